"""The figures of the reports, as aggregate queries: the database groups and sums, Python only
names the groups. No function reads the request; the page, the CSV and the PDF call the same ones.

What counts:

- every booking except the cancelled and the rejected ones (requests waiting for a manager count:
  they hold a demand) whose resource is in the chosen venues (and kind, and venue theme);
- a booking is **counted** in the period where it starts, and its **hours** are the hours that fall
  in the period, in real elapsed time: a night across the period's end, the last day of a month or
  a clock change is cut at the Paris midnight that bounds the period (``periods``), so the 23-hour
  Sunday of March and the 25-hour Sunday of October count what they really last;
- kit-days are units × the days a kit is out within the period (its booked period, cut the same way).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from app.bookings import hours as opening
from app.core.clock import PARIS, paris_to_utc
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import (
    Audience,
    AuditEntry,
    Booking,
    BookingStatus,
    KitCheck,
    KitCheckKind,
    Organisation,
    Qualification,
    Resource,
    ResourceKind,
    Tariff,
    TariffAudience,
    Theme,
    Venue,
    VenueMembership,
    venue_themes,
)
from app.newcomers.models import MessageAuthor, RequestMessage, RequestStatus, TestSpaceRequest, request_themes
from app.reports import rollup as monthly
from app.reports import territory
from app.reports.periods import Period
from app.reports.sql import epoch, greatest, least
from app.reports.tables import Column, Table, days, hours, ratio

LEFT_OUT = (BookingStatus.CANCELLED, BookingStatus.REJECTED)

KIND_LABELS = {
    ResourceKind.SPACE: _l("Espaces"),
    ResourceKind.MACHINE: _l("Machines"),
    ResourceKind.KIT: _l("Kits mobiles"),
}
AUDIENCE_LABELS = {
    Audience.CONSORTIUM: _l("Consortium"),
    Audience.PARTNER: _l("Partenaire"),
    Audience.EXTERNAL: _l("Extérieur"),
    Audience.NEWCOMER: _l("Porteur de projet"),
}
WEEKDAYS = (_l("lundi"), _l("mardi"), _l("mercredi"), _l("jeudi"), _l("vendredi"), _l("samedi"), _l("dimanche"))


@dataclass(frozen=True)
class Filters:
    """What a report covers: the period, the venues (already limited to the person's scope), the kind
    of resource and the theme (of the venue) when chosen. ``every_venue`` is true for a coordinator who
    chose no venue: the newcomers' requests no venue handles yet are theirs too."""

    period: Period
    venue_ids: tuple[int, ...]
    kind: ResourceKind | None = None
    theme_id: int | None = None
    every_venue: bool = False

    def before(self) -> Filters:
        return replace(self, period=self.period.previous())


def _bounds(period: Period) -> tuple[int, int]:
    return int(period.starts_at.timestamp()), int(period.ends_at.timestamp())


def _booking_filters(
    filters: Filters, kinds: Iterable[ResourceKind] | None = None, *, hosts_in_scope: bool = True
) -> list[sa.ColumnElement]:
    """Bookings of the chosen resources that cross the period (left out: cancelled, rejected).
    ``hosts_in_scope=False`` keeps the resources of every venue (the ledger limits the pairs itself)."""
    period = filters.period
    clauses = [
        Booking.status.notin_(LEFT_OUT),
        Booking.starts_at < period.ends_at,
        Booking.ends_at > period.starts_at,
    ]
    return clauses + _resource_filters(filters, kinds, hosts_in_scope=hosts_in_scope)


def _resource_filters(
    filters: Filters, kinds: Iterable[ResourceKind] | None = None, *, hosts_in_scope: bool = True
) -> list[sa.ColumnElement]:
    """The chosen resources: of the venues in scope, of the kind and the venue theme chosen."""
    clauses: list[sa.ColumnElement] = []
    if hosts_in_scope:
        clauses.append(Resource.venue_id.in_(filters.venue_ids))
    if filters.kind is not None:
        clauses.append(Resource.kind == filters.kind)
    if kinds is not None:
        clauses.append(Resource.kind.in_(list(kinds)))
    if filters.theme_id is not None:
        clauses.append(
            Resource.venue_id.in_(sa.select(venue_themes.c.venue_id).where(venue_themes.c.theme_id == filters.theme_id))
        )
    return clauses


@dataclass(frozen=True)
class Use:
    """One group of the usage cube: the bookings of one resource by one group of people (an
    audience, a home venue or an organisation), in the period and in the period before."""

    resource_id: int
    key: Any
    n: int
    seconds: int
    unit_seconds: int
    n_before: int = 0
    seconds_before: int = 0
    unit_seconds_before: int = 0


@dataclass(frozen=True)
class Usage:
    """The cube, three ways: by resource and audience (both periods), by resource and home venue of
    the requester, by resource and organisation (the period only: the ledger)."""

    by_audience: list[Use]
    by_home: list[Use]
    by_organisation: list[Use]


@dataclass(frozen=True)
class Catalogue:
    """The names the groups are shown by (a few hundred rows at most)."""

    resources: dict[int, sa.Row]
    venues: dict[int, str]
    organisations: dict[int, sa.Row]
    venue_themes: dict[int, list[int]]
    themes: list[sa.Row]


def _home_venues() -> sa.Subquery:
    """Each member's home venue: the venue of their first membership (see ``ledger``)."""
    first = (
        sa.select(VenueMembership.user_id, sa.func.min(VenueMembership.id).label("membership_id"))
        .group_by(VenueMembership.user_id)
        .subquery()
    )
    return (
        sa.select(first.c.user_id, VenueMembership.venue_id)
        .join(VenueMembership, VenueMembership.id == first.c.membership_id)
        .subquery("home")
    )


def usage(filters: Filters, months: tuple[list, list] | None = None, pieces: tuple | None = None) -> Usage:
    """The usage cube: from the roll-up's months (``rollup``) when both periods are whole months
    (``months``: theirs, already refreshed); from the roll-up's whole months and the bookings of the
    edges when not (``pieces``: ``Report.pieces`` of both periods); from the bookings otherwise."""
    if months is not None:
        return usage_from_rollup(filters, *months)
    if pieces is not None:
        return usage_in_pieces(filters, *pieces)
    return usage_from_bookings(filters)


def usage_in_pieces(filters: Filters, now: tuple[list, list], before: tuple[list, list]) -> Usage:
    """The cube of periods that are not whole months: their whole months from the roll-up, the dates
    at their edges from the bookings (``rollup.split``), each piece grouped by the database, the
    groups of the pieces then added (every sum is additive over the pieces)."""
    (now_spans, now_edges), (before_spans, before_edges) = now, before
    parts: list[Usage] = []
    if now_spans or before_spans:
        parts.append(usage_from_rollup(filters, now_spans, before_spans))
    if now_edges or before_edges:  # every edge of both periods read in one statement
        parts.append(
            usage_from_bookings(
                filters,
                ([Period("dates", *edge) for edge in now_edges], [Period("dates", *edge) for edge in before_edges]),
            )
        )

    def added(lists: Iterable[list[Use]]) -> list[Use]:
        sums: dict[tuple[int, Any], list[int]] = {}
        for uses in lists:
            for u in uses:
                total = sums.setdefault((u.resource_id, u.key), [0] * 6)
                for n, value in enumerate(
                    (u.n, u.seconds, u.unit_seconds, u.n_before, u.seconds_before, u.unit_seconds_before)
                ):
                    total[n] += value
        return [Use(resource_id, key, *values) for (resource_id, key), values in sums.items()]

    return Usage(
        added(p.by_audience for p in parts), added(p.by_home for p in parts), added(p.by_organisation for p in parts)
    )


def usage_from_rollup(filters: Filters, now: list, before: list) -> Usage:
    """The cube summed from the months' sums (a few thousand rows, however many bookings): the same
    groups as ``usage_from_bookings``, the audience and the scope read now from the organisations
    and the resources."""
    big = sa.BigInteger
    usage_sums, home_sums = monthly.usage_table, monthly.home_table
    scope = []
    if filters.kind is not None:
        scope.append(Resource.kind == filters.kind)
    if filters.theme_id is not None:
        scope.append(
            Resource.venue_id.in_(sa.select(venue_themes.c.venue_id).where(venue_themes.c.theme_id == filters.theme_id))
        )
    hosted = Resource.venue_id.in_(filters.venue_ids)

    def sums(table, condition=None):
        # cast back to bigint: PostgreSQL sums bigints as numeric, which the driver reads as Decimal
        if condition is None:
            return tuple(sa.cast(sa.func.sum(table.c[name]), big) for name in ("n", "seconds", "unit_seconds"))
        return tuple(
            sa.cast(sa.func.sum(sa.case((condition, table.c[name]), else_=sa.literal(0, big))), big)
            for name in ("n", "seconds", "unit_seconds")
        )

    # One statement per table, grouped by the database into a few thousand groups (resource ×
    # organisation, resource × home venue); the audience of each organisation is a name lookup.
    by_resource_and_organisation = (
        sa.select(
            usage_sums.c.resource_id,
            usage_sums.c.organisation_id,
            *sums(usage_sums, monthly.within(usage_sums, now)),
            *sums(usage_sums, monthly.within(usage_sums, before)),
        )
        .join(Resource, Resource.id == usage_sums.c.resource_id)
        .where(monthly.within(usage_sums, [*now, *before]), hosted, *scope)
        .group_by(usage_sums.c.resource_id, usage_sums.c.organisation_id)
    )
    by_home = (
        sa.select(home_sums.c.resource_id, home_sums.c.home_venue_id, *sums(home_sums))
        .join(Resource, Resource.id == home_sums.c.resource_id)
        .where(
            monthly.within(home_sums, now),
            sa.or_(hosted, home_sums.c.home_venue_id.in_(filters.venue_ids)),
            *scope,
        )
        .group_by(home_sums.c.resource_id, home_sums.c.home_venue_id)
    )
    audiences = dict(db.session.execute(sa.select(Organisation.id, Organisation.audience)).all())
    by_audience: dict[tuple[int, str], list[int]] = {}
    by_organisation = []
    for resource_id, organisation_id, *values in db.session.execute(by_resource_and_organisation):
        numbers = [int(v or 0) for v in values]
        # an organisation gone since (its bookings' organisation emptied): as a booking without one
        known = organisation_id in audiences
        audience = Audience(audiences[organisation_id]) if known else Audience.EXTERNAL
        total = by_audience.setdefault((resource_id, audience.value), [0] * 6)
        for n, value in enumerate(numbers):
            total[n] += value
        if known and any(numbers[:3]):
            by_organisation.append(Use(resource_id, organisation_id, *numbers[:3]))
    homes = [
        Use(resource_id, key, *(int(v or 0) for v in rest)) for resource_id, key, *rest in db.session.execute(by_home)
    ]
    return Usage(
        [Use(resource_id, audience, *values) for (resource_id, audience), values in by_audience.items()],
        homes,
        by_organisation,
    )


def usage_from_bookings(filters: Filters, chosen: tuple[list[Period], list[Period]] | None = None) -> Usage:
    """The usage cube, in ONE statement: the bookings of both periods are read once into a
    materialised CTE (each moment turned into epoch seconds once), then grouped three ways by the
    database. Every bookings figure, the occupancy, the machines, the kits and the ledger are sums
    of these groups (a few hundred, however many bookings). ``chosen``: the stretches of the period
    and of the one before, instead of the filters' two periods (the edges of periods that are not
    whole months, ``usage_in_pieces``), all read in the same one statement."""
    now, before = chosen or ([filters.period], [filters.period.previous()])
    if chosen is None:  # two periods end to end
        crossing = [Booking.starts_at < now[0].ends_at, Booking.ends_at > before[0].starts_at]
    else:
        crossing = [
            sa.or_(*[sa.and_(Booking.starts_at < p.ends_at, Booking.ends_at > p.starts_at) for p in [*now, *before]])
        ]
    big = sa.BigInteger
    home = _home_venues()
    clauses = [
        Booking.status.notin_(LEFT_OUT),
        *crossing,
        sa.or_(Resource.venue_id.in_(filters.venue_ids), home.c.venue_id.in_(filters.venue_ids)),
    ]
    if filters.kind is not None:
        clauses.append(Resource.kind == filters.kind)
    if filters.theme_id is not None:
        clauses.append(
            Resource.venue_id.in_(sa.select(venue_themes.c.venue_id).where(venue_themes.c.theme_id == filters.theme_id))
        )
    base = (
        sa.select(
            Booking.resource_id,
            Resource.venue_id.label("host"),
            sa.func.coalesce(Organisation.audience, Audience.EXTERNAL.value).label("audience"),
            Booking.organisation_id,
            home.c.venue_id.label("home"),
            Booking.quantity,
            epoch(Booking.starts_at).label("s"),
            epoch(Booking.ends_at).label("e"),
        )
        .select_from(Booking)
        .join(Resource, Resource.id == Booking.resource_id)
        .outerjoin(Organisation, Organisation.id == Booking.organisation_id)
        .outerjoin(home, home.c.user_id == Booking.requester_id)
        .where(*clauses)
        .cte("period_bookings")
        .prefix_with("MATERIALIZED")
    )
    c = base.c

    def within(stretches: list[Period]):
        """Bookings started, seconds and unit-seconds within these stretches (each cut at its bounds)."""
        if not stretches:
            return zeros
        starts, seconds, units = [], [], []
        for stretch in stretches:
            low, high = _bounds(stretch)
            inside = sa.and_(c.s < high, c.e > low)
            cut = least(c.e, sa.literal(high, big)) - greatest(c.s, sa.literal(low, big))
            starts.append(sa.case((sa.and_(c.s >= low, c.s < high), 1), else_=0))
            seconds.append(sa.case((inside, cut), else_=0))
            units.append(sa.case((inside, cut * c.quantity), else_=0))
        return tuple(sa.func.sum(functools.reduce(operator.add, terms)) for terms in (starts, seconds, units))

    def crossed(stretches: list[Period]) -> sa.ColumnElement:
        return sa.or_(*[sa.and_(c.s < high, c.e > low) for low, high in map(_bounds, stretches)])

    zeros = (sa.literal(0, big), sa.literal(0, big), sa.literal(0, big))
    hosted = c.host.in_(filters.venue_ids)
    text_key, id_key = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), sa.Integer)
    branches = [
        sa.select(sa.literal("a"), c.resource_id, c.audience, id_key, *within(now), *within(before))
        .where(hosted)
        .group_by(c.resource_id, c.audience),
        sa.select(sa.literal("h"), c.resource_id, text_key, c.home, *within(now), *zeros)
        .where(c.home.is_not(None), crossed(now))
        .group_by(c.resource_id, c.home),
        sa.select(sa.literal("o"), c.resource_id, text_key, c.organisation_id, *within(now), *zeros)
        .where(hosted, c.organisation_id.is_not(None), crossed(now))
        .group_by(c.resource_id, c.organisation_id),
    ]
    found: dict[str, list[Use]] = {"a": [], "h": [], "o": []}
    for row in db.session.execute(sa.union_all(*branches)):
        branch, resource_id, text, number, *sums = row
        found[branch].append(Use(resource_id, text if branch == "a" else number, *(int(v or 0) for v in sums)))
    return Usage(found["a"], found["h"], found["o"])


def catalogue() -> Catalogue:
    resources = {
        r.id: r
        for r in db.session.execute(
            sa.select(
                Resource.id,
                Resource.name,
                Resource.kind,
                Resource.venue_id,
                Resource.is_active,
                Tariff.hour_cents,
                Tariff.day_cents,
            ).outerjoin(
                Tariff, sa.and_(Tariff.resource_id == Resource.id, Tariff.audience == TariffAudience.CONSORTIUM)
            )
        )
    }
    themes_of: dict[int, list[int]] = {}
    for venue_id, theme_id in db.session.execute(sa.select(venue_themes.c.venue_id, venue_themes.c.theme_id)):
        themes_of.setdefault(venue_id, []).append(theme_id)
    return Catalogue(
        resources=resources,
        venues=dict(db.session.execute(sa.select(Venue.id, Venue.name)).all()),
        organisations={
            o.id: o for o in db.session.execute(sa.select(Organisation.id, Organisation.name, Organisation.audience))
        },
        venue_themes=themes_of,
        themes=list(db.session.execute(sa.select(Theme.id, Theme.name_fr).order_by(Theme.position))),
    )


class Report:
    """The figures of one report: the filters, and what the tables share, each queried once."""

    def __init__(self, filters: Filters, *, from_bookings: bool = False):
        self.filters = filters
        self.from_bookings = from_bookings  # True: every figure from the bookings, not the roll-up
        self.shared: dict[str, Any] = {}  # what several tables of a section use, computed once

    @cached_property
    def pieces(self) -> tuple[tuple[list, list], tuple[list, list]] | None:
        """The period and the one before, each as the roll-up's spans of its whole months and the
        dates at its edges (``rollup.split``), the spans brought up to date (once per report); None
        when every figure reads the bookings (``from_bookings``)."""
        if self.from_bookings:
            return None
        now, before = self.filters.period, self.filters.period.previous()
        found = monthly.split(now.first, now.last), monthly.split(before.first, before.last)
        monthly.refresh([*found[0][0], *found[1][0]])
        return found

    @cached_property
    def rolled_up(self) -> tuple[list, list] | None:
        """The roll-up's spans (years and months) of the period and of the one before when both are
        whole months, or None: the figures read their edges from the bookings (``pieces``), or every
        booking (``from_bookings``)."""
        if self.pieces is None or self.pieces[0][1] or self.pieces[1][1]:
            return None
        return self.pieces[0][0], self.pieces[1][0]

    def parts(self, period: Period) -> list[tuple[list, Period | None]]:
        """What a figure of this period (the report's or the one before) sums: the roll-up's spans
        (a list, maybe empty) and each edge read from the bookings, or the whole period from them."""
        if self.pieces is None:
            return [([], period)]
        spans, edges = self.pieces[0] if period == self.filters.period else self.pieces[1]
        return [(spans, None)] * bool(spans) + [([], Period("dates", first, last)) for first, last in edges]

    @cached_property
    def usage(self) -> Usage:
        if self.rolled_up is not None:
            return usage(self.filters, self.rolled_up)
        return usage(self.filters, pieces=self.pieces)

    @cached_property
    def catalogue(self) -> Catalogue:
        return catalogue()

    def resources_of(self, *kinds: ResourceKind) -> list[sa.Row]:
        """The active resources of these kinds in the chosen venues (and kind, and theme), by venue and name."""
        f, names = self.filters, self.catalogue.venues
        themes_of = self.catalogue.venue_themes
        chosen = [
            r
            for r in self.catalogue.resources.values()
            if r.venue_id in f.venue_ids
            and r.kind in kinds
            and r.is_active
            and f.kind in (None, r.kind)
            and (f.theme_id is None or f.theme_id in themes_of.get(r.venue_id, []))
        ]
        return sorted(chosen, key=lambda r: (names[r.venue_id], r.name))

    @cached_property
    def by_resource(self) -> dict[int, Sums]:
        return rollup(self.hosted(), lambda u: u.resource_id)

    def hosted(self) -> list[Use]:
        """The groups by resource and audience, of the resources of the chosen venues."""
        return self.usage.by_audience


@dataclass
class Sums:
    n: int = 0
    seconds: int = 0
    unit_seconds: int = 0
    n_before: int = 0
    seconds_before: int = 0
    unit_seconds_before: int = 0

    def add(self, use: Use) -> None:
        self.n += use.n
        self.seconds += use.seconds
        self.unit_seconds += use.unit_seconds
        self.n_before += use.n_before
        self.seconds_before += use.seconds_before
        self.unit_seconds_before += use.unit_seconds_before


def rollup(uses: Iterable[Use], key) -> dict[Any, Sums]:
    """The cube's groups summed by ``key(use)`` (a key may be a list: the group counts in each)."""
    sums: dict[Any, Sums] = {}
    for use in uses:
        keys = key(use)
        for k in keys if isinstance(keys, list) else [keys]:
            sums.setdefault(k, Sums()).add(use)
    return sums


BOOKING_COLUMNS = [
    Column("label", _l("Groupe")),
    Column("n", _l("Réservations"), "count"),
    Column("hours", _l("Heures réservées"), "hours"),
    Column("n_before", _l("Réservations (période précédente)"), "count"),
    Column("hours_before", _l("Heures (période précédente)"), "hours"),
    Column("change", _l("Évolution des heures"), "change"),
]


def _compare(key: str, title, group, labels: dict[Any, Any], sums: dict[Any, Sums], caption) -> Table:
    rows = []
    for key_of_group, label in labels.items():
        found = sums.get(key_of_group)
        if found is None or not (found.n or found.seconds or found.n_before or found.seconds_before):
            continue
        row = {
            "label": str(label),
            "n": found.n,
            "hours": hours(found.seconds),
            "n_before": found.n_before,
            "hours_before": hours(found.seconds_before),
        }
        row["change"] = None if not row["hours_before"] else row["hours"] / row["hours_before"] - 1
        rows.append(row)
    totals = {
        "label": str(_l("Total")),
        "n": sum(r["n"] for r in rows),
        "hours": round(sum(r["hours"] for r in rows), 2),
        "n_before": sum(r["n_before"] for r in rows),
        "hours_before": round(sum(r["hours_before"] for r in rows), 2),
    }
    totals["change"] = None if not totals["hours_before"] else totals["hours"] / totals["hours_before"] - 1
    columns = [replace(BOOKING_COLUMNS[0], label=group), *BOOKING_COLUMNS[1:]]
    return Table(key, title, columns, rows, totals, caption=caption)


def bookings_by_venue(report: Report) -> Table:
    names = report.catalogue.venues
    labels = {v: names[v] for v in sorted(report.filters.venue_ids, key=lambda v: names[v])}
    table = _compare(
        "reservations_par_lieu",
        _l("Réservations par lieu"),
        _l("Lieu"),
        labels,
        rollup(report.hosted(), lambda u: report.catalogue.resources[u.resource_id].venue_id),
        _l("Heures réservées par lieu sur la période, comparées à la période précédente."),
    )
    table.chart, table.chart_value = "bar", "hours"
    return table


def bookings_by_kind(report: Report) -> Table:
    return _compare(
        "reservations_par_type",
        _l("Réservations par type de ressource"),
        _l("Type de ressource"),
        dict(KIND_LABELS),
        rollup(report.hosted(), lambda u: report.catalogue.resources[u.resource_id].kind),
        _l("Heures réservées par type de ressource (espaces, machines, kits)."),
    )


def bookings_by_theme(report: Report) -> Table:
    themes_of = report.catalogue.venue_themes
    table = _compare(
        "reservations_par_thematique",
        _l("Réservations par thématique"),
        _l("Thématique"),
        dict((t.id, t.name_fr) for t in report.catalogue.themes),
        rollup(report.hosted(), lambda u: themes_of.get(report.catalogue.resources[u.resource_id].venue_id, [])),
        _l("Heures réservées par thématique du lieu qui accueille."),
    )
    table.totals = None  # a venue has several themes: a booking counts in each, the sum means nothing
    table.notes.append(
        _l("Une réservation compte dans chaque thématique de son lieu : les lignes ne s'additionnent pas.")
    )
    return table


def bookings_by_audience(report: Report) -> Table:
    def audience(use: Use) -> str:
        return str(use.key)

    return _compare(
        "reservations_par_public",
        _l("Réservations par public"),
        _l("Public"),
        {a.value: label for a, label in AUDIENCE_LABELS.items()},
        rollup(report.hosted(), audience),
        _l("Heures réservées par public de la structure qui réserve."),
    )


# --- Occupancy ------------------------------------------------------------------------------------


def _merged(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def open_seconds(resources: list[Resource], period: Period) -> dict[int, int]:
    """Seconds each resource is open over the period, by the engine's rules (``app.bookings.hours``):
    its opening hours (its own, or its venue's) on each Paris date, less the closures in force and the
    public holidays the venue does not open on. Loops over days and opening intervals, never bookings."""
    rules = opening.hours_for(resources)
    closed: dict[int, list[tuple[datetime, datetime]]] = {}
    for shut in opening.closures_over({r.venue_id for r in resources}, period.starts_at, period.ends_at):
        closed.setdefault(shut.venue_id, []).append((shut.starts_at, shut.ends_at))
    closed = {venue: _merged(spans) for venue, spans in closed.items()}
    done: dict[tuple, int] = {}
    result: dict[int, int] = {}
    for resource in resources:
        rows = rules[resource.id]
        signature = (resource.venue_id, tuple(sorted((r.weekday, r.opens, r.closes) for r in rows)))
        if signature not in done:
            weekly = {weekday: opening.intervals_on(rows, weekday) for weekday in range(7)}
            shut = closed.get(resource.venue_id, [])
            total = 0.0
            day = period.first
            while day <= period.last:
                for opens, closes in weekly[day.weekday()]:
                    start = paris_to_utc(day, opens)
                    end = (
                        paris_to_utc(day + timedelta(days=1), time(0)) if closes is None else paris_to_utc(day, closes)
                    )
                    total += (end - start).total_seconds()
                    for s, e in shut:
                        if s < end and e > start:
                            total -= (min(e, end) - max(s, start)).total_seconds()
                day += timedelta(days=1)
            done[signature] = int(total)
        result[resource.id] = done[signature]
    return result


def occupancy(report: Report) -> Table:
    """Booked hours over open hours of each space and machine (a kit is taken away: see the kits)."""
    resources = report.resources_of(ResourceKind.SPACE, ResourceKind.MACHINE)
    booked = report.by_resource
    available = open_seconds(resources, report.filters.period) if resources else {}
    venues = report.catalogue.venues
    rows = []
    for resource in resources:
        used = booked.get(resource.id)
        row = {
            "label": resource.name,
            "venue": venues[resource.venue_id],
            "kind": str(KIND_LABELS[resource.kind]),
            "hours": hours(used.seconds if used else 0),
            "open_hours": hours(available[resource.id]),
        }
        row["rate"] = ratio(row["hours"], row["open_hours"])
        rows.append(row)
    rows.sort(key=lambda r: (-(r["rate"] or 0), r["label"]))
    table = Table(
        "occupation",
        _l("Occupation des ressources"),
        [
            Column("label", _l("Ressource")),
            Column("venue", _l("Lieu")),
            Column("kind", _l("Type")),
            Column("hours", _l("Heures réservées"), "hours"),
            Column("open_hours", _l("Heures d'ouverture"), "hours"),
            Column("rate", _l("Taux d'occupation"), "percent"),
        ],
        rows,
        {
            "label": str(_l("Total")),
            "hours": round(sum(r["hours"] for r in rows), 2),
            "open_hours": round(sum(r["open_hours"] for r in rows), 2),
        },
        caption=_l("Taux d'occupation de chaque espace et machine : heures réservées sur heures d'ouverture."),
        chart="bar",
        chart_value="rate",
    )
    table.totals["rate"] = ratio(table.totals["hours"], table.totals["open_hours"])
    table.notes.append(_l("Heures d'ouverture : celles du lieu ou de la ressource, fermetures et jours fériés exclus."))
    used_ones = [r for r in rows if r["rate"] is not None]
    if used_ones:
        table.notes.append(
            _l(
                "La plus utilisée : %(most)s ; la moins utilisée : %(least)s.",
                most=f"{used_ones[0]['label']} ({used_ones[0]['venue']})",
                least=f"{used_ones[-1]['label']} ({used_ones[-1]['venue']})",
            )
        )
    return table


def utc_offsets(period: Period) -> list[tuple[int, int]]:
    """Paris's offset from UTC over the period, as (from epoch second, offset in seconds), from zoneinfo:
    a new row at each clock change (they fall on whole UTC hours)."""
    lower, upper = _bounds(period)
    moment = lower
    offset = int(datetime.fromtimestamp(moment, PARIS).utcoffset().total_seconds())
    steps = [(lower, offset)]
    while moment < upper:
        following = min(moment + 86400, upper)
        later = int(datetime.fromtimestamp(following, PARIS).utcoffset().total_seconds())
        if later != offset:
            hour = moment
            while int(datetime.fromtimestamp(hour, PARIS).utcoffset().total_seconds()) == offset:
                hour += 3600
            steps.append((hour, later))
            offset = later
        moment = following
    return steps


def month_period(month) -> Period:
    from app.reports.periods import month_of

    return month_of(month)


def heat_statement(period: Period, where: list[sa.ColumnElement], by: tuple = ()) -> sa.Select:
    """Seconds booked by Paris weekday and hour (and by the columns ``by``) of the bookings ``where``
    chooses, cut at the period's bounds.

    A recursive query cuts each booking at every hour (UTC hours are Paris hours: the offset is a
    whole number of hours); each piece takes the Paris weekday and hour of its start, from its epoch
    second plus the offset in force (``utc_offsets``). The same query on SQLite and PostgreSQL.
    """
    lower, upper = _bounds(period)
    start = greatest(epoch(Booking.starts_at), sa.literal(lower, sa.BigInteger))
    end = least(epoch(Booking.ends_at), sa.literal(upper, sa.BigInteger))
    keys = [column.label(f"k{n}") for n, column in enumerate(by)]
    # Bookings of the same period (the same slot, on many resources) are cut once, then weighed.
    periods_booked = (
        sa.select(*keys, start.label("t"), end.label("e"), sa.func.count().label("weight"))
        .select_from(Booking)
        .join(Resource)
        .where(*where)
        .group_by(*by, start, end)
        .subquery("periods_booked")
    )
    kept = [periods_booked.c[f"k{n}"] for n in range(len(by))]
    seed = sa.select(*kept, periods_booked.c.t, periods_booked.c.e, periods_booked.c.weight).cte(
        "pieces", recursive=True
    )
    following = (seed.c.t // 3600 + 1) * 3600
    pieces = seed.union_all(
        sa.select(*[seed.c[f"k{n}"] for n in range(len(by))], following, seed.c.e, seed.c.weight).where(
            following < seed.c.e
        )
    )
    offsets = utc_offsets(period)
    offset = (
        sa.case(
            *[
                (pieces.c.t < sa.literal(at, sa.BigInteger), sa.literal(before))
                for (at, _), (_, before) in zip(offsets[1:], offsets, strict=False)
            ],
            else_=sa.literal(offsets[-1][1]),
        )
        if len(offsets) > 1
        else sa.literal(offsets[0][1])
    )
    local = pieces.c.t + offset
    weekday = ((local // 86400) + 3) % 7  # 1 January 1970 was a Thursday (Monday is 0)
    hour = (local % 86400) // 3600
    length = (least((pieces.c.t // 3600 + 1) * 3600, pieces.c.e) - pieces.c.t) * pieces.c.weight
    grouped = [pieces.c[f"k{n}"] for n in range(len(by))]
    return sa.select(
        *grouped, weekday.label("weekday"), hour.label("hour"), sa.func.sum(length).label("seconds")
    ).group_by(*grouped, weekday, hour)


def heatmap(report: Report) -> Table:
    """Booked hours of spaces and machines by Paris weekday and hour of the day: from the roll-up's
    months (``rollup``) for a period of whole months, from the bookings (``heat_statement``) otherwise."""
    filters = report.filters
    kinds = [k for k in (ResourceKind.SPACE, ResourceKind.MACHINE) if filters.kind in (None, k)]
    seconds = {(d, h): 0 for d in range(7) for h in range(24)}
    for spans, edge in report.parts(filters.period) if kinds else []:
        if edge is None:  # the roll-up's months
            heat = monthly.heat_table
            where = [
                monthly.within(heat, spans),
                heat.c.venue_id.in_(filters.venue_ids),
                heat.c.kind.in_([k.value for k in kinds]),
            ]
            if filters.theme_id is not None:
                where.append(
                    heat.c.venue_id.in_(
                        sa.select(venue_themes.c.venue_id).where(venue_themes.c.theme_id == filters.theme_id)
                    )
                )
            query = (
                sa.select(heat.c.weekday, heat.c.hour, sa.func.sum(heat.c.seconds).label("seconds"))
                .where(*where)
                .group_by(heat.c.weekday, heat.c.hour)
            )
        else:
            query = heat_statement(edge, _booking_filters(replace(filters, period=edge), kinds))
        for row in db.session.execute(query):
            seconds[(int(row.weekday), int(row.hour))] += int(row.seconds)
    grid = {cell: hours(value) for cell, value in seconds.items()}
    rows = [
        {"weekday": str(WEEKDAYS[d]), "day": d, "hour": h, "hours": grid[(d, h)]} for d in range(7) for h in range(24)
    ]
    return Table(
        "carte_de_chaleur",
        _l("Heures réservées par jour de la semaine et par heure"),
        [
            Column("weekday", _l("Jour")),
            Column("hour", _l("Heure"), "count"),
            Column("hours", _l("Heures réservées"), "hours"),
        ],
        rows,
        {"weekday": str(_l("Total")), "hours": round(sum(grid.values()), 2)},
        caption=_l(
            "Carte de la semaine : pour chaque jour et chaque heure (heure de Paris), les heures réservées des espaces et des machines."
        ),
        chart="heatmap",
        chart_value="hours",
    )


# --- Machines, kits ------------------------------------------------------------------------------


def machines(report: Report) -> Table:
    """Use of each machine, and the qualifications granted on it during the period (trainings)."""
    filters = report.filters
    resources = report.resources_of(ResourceKind.MACHINE)
    used = report.by_resource
    granted = (
        dict(
            db.session.execute(
                sa.select(Qualification.resource_id, sa.func.count())
                .where(
                    Qualification.resource_id.in_([r.id for r in resources]),
                    Qualification.granted_at >= filters.period.starts_at,
                    Qualification.granted_at < filters.period.ends_at,
                )
                .group_by(Qualification.resource_id)
            ).all()
        )
        if resources
        else {}
    )
    rows = [
        {
            "label": r.name,
            "venue": report.catalogue.venues[r.venue_id],
            "n": int(used[r.id].n) if r.id in used else 0,
            "hours": hours(used[r.id].seconds if r.id in used else 0),
            "trainings": int(granted.get(r.id, 0)),
        }
        for r in resources
    ]
    return Table(
        "machines",
        _l("Machines"),
        [
            Column("label", _l("Machine")),
            Column("venue", _l("Lieu")),
            Column("n", _l("Réservations"), "count"),
            Column("hours", _l("Heures d'utilisation"), "hours"),
            Column("trainings", _l("Habilitations délivrées"), "count"),
        ],
        rows,
        {
            "label": str(_l("Total")),
            "n": sum(r["n"] for r in rows),
            "hours": round(sum(r["hours"] for r in rows), 2),
            "trainings": sum(r["trainings"] for r in rows),
        },
        caption=_l("Heures d'utilisation de chaque machine sur la période."),
        chart="bar",
        chart_value="hours",
    )


def kits(report: Report) -> Table:
    return _kit_table(report.resources_of(ResourceKind.KIT), report.by_resource, report.catalogue.venues)


def _kit_table(resources, used, venues) -> Table:
    rows = [
        {
            "label": r.name,
            "venue": venues[r.venue_id],
            "n": int(used[r.id].n) if r.id in used else 0,
            "kit_days": days(used[r.id].unit_seconds if r.id in used else 0),
        }
        for r in resources
    ]
    return Table(
        "kits",
        _l("Kits mobiles"),
        [
            Column("label", _l("Kit")),
            Column("venue", _l("Lieu")),
            Column("n", _l("Prêts"), "count"),
            Column("kit_days", _l("Jours de sortie (unités × jours)"), "days"),
        ],
        rows,
        {
            "label": str(_l("Total")),
            "n": sum(r["n"] for r in rows),
            "kit_days": round(sum(r["kit_days"] for r in rows), 2),
        },
        caption=_l("Jours de sortie de chaque kit sur la période (unités prêtées × jours)."),
        chart="bar",
        chart_value="kit_days",
    )


def communes(report: Report) -> Table:
    """Where the kits went: the commune given at hand-over of each loan that starts in the period."""
    filters = report.filters
    loans: dict[str, int] = {}
    for spans, edge in report.parts(filters.period) if filters.kind in (None, ResourceKind.KIT) else []:
        if edge is None:  # the roll-up's loans per kit and commune
            sums = monthly.communes_table
            query = (
                sa.select(sums.c.commune, sa.func.sum(sums.c.n).label("n"))
                .join(Resource, Resource.id == sums.c.resource_id)
                .where(monthly.within(sums, spans), *_resource_filters(filters, [ResourceKind.KIT]))
                .group_by(sums.c.commune)
            )
        else:
            clauses = _booking_filters(replace(filters, period=edge), [ResourceKind.KIT])
            query = (
                sa.select(KitCheck.commune, sa.func.count().label("n"))
                .select_from(KitCheck)
                .join(Booking, Booking.id == KitCheck.booking_id)
                .join(Resource)
                .where(KitCheck.kind == KitCheckKind.HANDOVER, Booking.starts_at >= edge.starts_at, *clauses)
                .group_by(KitCheck.commune)
            )
        for row in db.session.execute(query):
            loans[row.commune or ""] = loans.get(row.commune or "", 0) + int(row.n)
    rows = []
    for commune, n in loans.items():
        name = commune or str(_l("(non renseignée)"))
        rural = bool(commune) and territory.is_rural(commune)
        rows.append({"label": name, "rural": str(_l("rurale") if rural else _l("urbaine")), "is_rural": rural, "n": n})
    rows.sort(key=lambda r: (not r["is_rural"], -r["n"], r["label"]))
    rural = [r for r in rows if r["is_rural"]]
    table = Table(
        "communes",
        _l("Communes atteintes par les kits"),
        [Column("label", _l("Commune")), Column("rural", _l("Catégorie")), Column("n", _l("Prêts"), "count")],
        rows,
        {"label": str(_l("Total")), "n": sum(r["n"] for r in rows)},
        caption=_l("Prêts de kits par commune d'utilisation, les communes rurales d'abord."),
    )
    table.notes.append(
        _l(
            "%(communes)s communes atteintes, dont %(rural)s rurales (%(loans)s prêts en commune rurale).",
            communes=len([r for r in rows if r["label"] and r["label"] != str(_l("(non renseignée)"))]),
            rural=len(rural),
            loans=sum(r["n"] for r in rural),
        )
    )
    return table


# --- Newcomers ------------------------------------------------------------------------------------


def newcomers(report: Report) -> Table:
    """Test-space requests made in the period, by theme: how many, the mean time to the venue's first
    answer (a message, or a decision: review, acceptance, refusal, redirection), the share accepted,
    how many were redirected to another venue, and the test spaces granted."""
    filters = report.filters
    period = filters.period
    subject = sa.and_(AuditEntry.subject_type == "test_space_request", AuditEntry.subject_id == TestSpaceRequest.id)
    first_decision = (
        sa.select(sa.func.min(AuditEntry.at))
        .where(subject, AuditEntry.action.in_(["under_review", "declined", "accepted", "redirected"]))
        .scalar_subquery()
    )
    first_message = (
        sa.select(sa.func.min(RequestMessage.created_at))
        .where(RequestMessage.request_id == TestSpaceRequest.id, RequestMessage.author == MessageAuthor.VENUE)
        .scalar_subquery()
    )
    answered = least(
        sa.func.coalesce(epoch(first_decision), epoch(first_message)),
        sa.func.coalesce(epoch(first_message), epoch(first_decision)),
    )
    redirected = sa.exists(sa.select(AuditEntry.id).where(subject, AuditEntry.action == "redirected"))
    where = [TestSpaceRequest.created_at >= period.starts_at, TestSpaceRequest.created_at < period.ends_at]
    if filters.every_venue:
        where.append(sa.or_(TestSpaceRequest.venue_id.in_(filters.venue_ids), TestSpaceRequest.venue_id.is_(None)))
    else:
        where.append(TestSpaceRequest.venue_id.in_(filters.venue_ids))
    if filters.theme_id is not None:
        where.append(
            TestSpaceRequest.id.in_(
                sa.select(request_themes.c.request_id).where(request_themes.c.theme_id == filters.theme_id)
            )
        )
    measures = (
        sa.func.count().label("n"),
        sa.func.avg(answered - epoch(TestSpaceRequest.created_at)).label("wait"),
        sa.func.sum(sa.case((TestSpaceRequest.status == RequestStatus.ACCEPTED, 1), else_=0)).label("accepted"),
        sa.func.sum(sa.case((redirected, 1), else_=0)).label("redirected"),
        sa.func.sum(
            sa.case(
                (
                    sa.and_(
                        TestSpaceRequest.status == RequestStatus.ACCEPTED, TestSpaceRequest.test_space_id.is_not(None)
                    ),
                    1,
                ),
                else_=0,
            )
        ).label("spaces"),
    )
    by_theme = (
        sa.select(request_themes.c.theme_id.label("key"), *measures)
        .select_from(TestSpaceRequest)
        .join(request_themes, request_themes.c.request_id == TestSpaceRequest.id)
        .where(*where)
        .group_by(request_themes.c.theme_id)
    )
    found = {row.key: row for row in db.session.execute(by_theme)}
    total = db.session.execute(sa.select(*measures).select_from(TestSpaceRequest).where(*where)).one()

    def line(label, row) -> dict:
        n = int(row.n or 0)
        return {
            "label": str(label),
            "n": n,
            "wait": hours(row.wait) if row.wait is not None else None,
            "accepted": ratio(int(row.accepted or 0), n),
            "redirected": int(row.redirected or 0),
            "spaces": int(row.spaces or 0),
        }

    themes = db.session.execute(sa.select(Theme.id, Theme.name_fr).order_by(Theme.position)).all()
    rows = [line(name, found[theme_id]) for theme_id, name in themes if theme_id in found]
    table = Table(
        "porteurs_de_projet",
        _l("Porteurs de projet : demandes d'espace test"),
        [
            Column("label", _l("Thématique")),
            Column("n", _l("Demandes"), "count"),
            Column("wait", _l("Délai moyen de première réponse (heures)"), "hours"),
            Column("accepted", _l("Part acceptée"), "percent"),
            Column("redirected", _l("Réorientées vers un autre lieu"), "count"),
            Column("spaces", _l("Espaces test accordés"), "count"),
        ],
        rows,
        line(_l("Total (chaque demande une fois)"), total),
        caption=_l("Demandes d'espace test reçues sur la période, par thématique."),
        chart="bar",
        chart_value="n",
    )
    table.notes.append(_l("Une demande peut porter sur plusieurs thématiques : elle compte dans chacune."))
    return table
