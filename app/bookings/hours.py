"""Opening hours and closures, evaluated in Europe/Paris wall-clock time.

Times are stored in UTC; opening hours are wall-clock intervals in Paris on a
weekday. A UTC moment is turned into Paris time before comparing, so a booking
"9:00-12:00" is inside "9:00-18:00" on either side of a daylight-saving change,
and the missing hour of the last Sunday of March (2:00-3:00) or the doubled hour
of the last Sunday of October are handled by zoneinfo, never by adding hours.

A resource's own hours replace its venue's; a weekday with no interval is closed.
Adjacent intervals (9:00-12:00 and 12:00-18:00) count as one, and a closing time of
23:59 means midnight (opening hours are stored within one day).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, NamedTuple

import holidays

from app.bookings import queries
from app.bookings.errors import Code, Moment, Reason
from app.core.clock import paris_to_utc, to_paris
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import Resource

# A local interval; ``None`` as the end means midnight at the end of the day.
Interval = tuple[time, time | None]
# One opening row: anything with ``weekday``, ``opens`` and ``closes`` (an ``OpeningHours``, a row).
Hours = Any


def _hours_loaded(resource: Resource) -> bool:
    return (
        queries.is_loaded(resource, "opening_hours")
        and queries.is_loaded(resource, "venue")
        and queries.is_loaded(resource.venue, "opening_hours")
    )


def hours_for(resources: Iterable[Resource]) -> dict[int, list[Hours]]:
    """The rows that rule each resource: its own if it has any, else its venue's. One query, or
    none when they were read with the resources (``access.bookable_resource``)."""
    resources = list(resources)
    if resources and all(_hours_loaded(resource) for resource in resources):
        return {r.id: list(r.opening_hours) or list(r.venue.opening_hours) for r in resources}
    venue_ids = {resource.venue_id for resource in resources}
    own: dict[int, list[Hours]] = {}
    of_venue: dict[int, list[Hours]] = {}
    if venue_ids:
        for row in db.session.execute(queries.opening_hours(), {"ids": list(venue_ids)}):
            if row.resource_id is None:
                of_venue.setdefault(row.venue_id, []).append(row)
            else:
                own.setdefault(row.resource_id, []).append(row)
    return {r.id: own.get(r.id) or of_venue.get(r.venue_id, []) for r in resources}


def intervals_on(rows: Iterable[Hours], weekday: int) -> list[Interval]:
    """The opening intervals of one weekday, sorted, adjacent ones merged."""
    merged: list[list] = []
    for row in sorted((r for r in rows if r.weekday == weekday), key=lambda r: r.opens):
        closes = None if row.closes == time(23, 59) else row.closes
        if merged and merged[-1][1] is not None and row.opens <= merged[-1][1]:
            previous = merged[-1][1]
            merged[-1][1] = None if closes is None else max(previous, closes)
        else:
            merged.append([row.opens, closes])
    return [(opens, closes) for opens, closes in merged]


def _minutes(at: time | None) -> int:
    return 24 * 60 if at is None else at.hour * 60 + at.minute


def _wall_minutes(local: datetime) -> int:
    return local.hour * 60 + local.minute


def within_hours(
    rows: list[Hours], starts_at: datetime, ends_at: datetime, by_weekday: dict[int, list[Interval]] | None = None
) -> bool:
    """Whether the whole period lies inside one opening interval of one Paris day; ``by_weekday``:
    the rows' intervals of each weekday (``intervals_on``), when the caller asks about many periods."""
    start, end = to_paris(starts_at), to_paris(ends_at)
    end_minutes = _wall_minutes(end)
    if end.date() != start.date():
        # Ending exactly at midnight still belongs to the day that started.
        if not (end.date() == start.date() + timedelta(days=1) and end_minutes == 0 and end.second == 0):
            return False
        end_minutes = 24 * 60
    start_minutes = _wall_minutes(start)
    return any(
        _minutes(opens) <= start_minutes and end_minutes <= _minutes(closes)
        for opens, closes in (by_weekday[start.weekday()] if by_weekday else intervals_on(rows, start.weekday()))
    )


def open_at(rows: list[Hours], moment: datetime, *, arriving: bool) -> bool:
    """Whether someone can come to the venue at this moment (to take or to bring back a kit).

    Taking a kit (``arriving=False``) needs the venue open from that minute on; bringing
    it back may happen up to the closing time itself.
    """
    local = to_paris(moment)
    minutes = _wall_minutes(local)
    for opens, closes in intervals_on(rows, local.weekday()):
        if arriving and _minutes(opens) <= minutes <= _minutes(closes):
            return True
        if not arriving and _minutes(opens) <= minutes < _minutes(closes):
            return True
    return False


def hours_text(rows: list[Hours], moment: datetime) -> str:
    """The opening hours of that Paris day, as "9:00-12:00, 14:00-18:00" (empty when closed)."""
    weekday = to_paris(moment).weekday()
    return ", ".join(f"{opens:%H:%M}-{(closes or time(0)):%H:%M}" for opens, closes in intervals_on(rows, weekday))


class ClosedPeriod(NamedTuple):
    """A period when a venue is closed: a confirmed closure, or a public holiday (``holiday`` names it)."""

    venue_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    holiday: str | None = None


@cache
def _holidays_of(year: int) -> dict[date, str]:
    """The public holidays of metropolitan France that year, by Paris date, named in French."""
    return dict(holidays.country_holidays("FR", years=year, language="fr").items())


def public_holidays(first: date, last: date) -> dict[date, str]:
    """The public holidays of metropolitan France from ``first`` to ``last`` included (computed, no query)."""
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update((day, name) for day, name in _holidays_of(year).items() if first <= day <= last)
    return found


def closures_over(venue_ids: Iterable[int], starts_at: datetime, ends_at: datetime) -> list[ClosedPeriod]:
    """The periods these venues are closed that cross the period, oldest first: the closures in
    force (confirmed), and the French public holidays (each a Paris day) unless the venue chose to
    open that day. One query.

    A consortium-wide closure is a proposed ``Closure`` per venue until that venue's
    manager confirms it; only then does it close the venue.
    """
    ids = list(venue_ids)
    if not ids:
        return []
    closed: list[ClosedPeriod] = []
    opens_on: set[tuple[int, str]] = set()
    for row in db.session.execute(queries.closures(), {"ids": ids, "starts_at": starts_at, "ends_at": ends_at}):
        if row.opens_on is not None:
            opens_on.add((row.venue_id, str(row.opens_on)[:10]))
        else:
            closed.append(ClosedPeriod(row.venue_id, row.starts_at, row.ends_at, row.reason or ""))
    if starts_at < ends_at:
        for day, name in public_holidays(to_paris(starts_at).date(), to_paris(ends_at).date()).items():
            day_starts, day_ends = paris_to_utc(day, time(0)), paris_to_utc(day + timedelta(days=1), time(0))
            if not (day_starts < ends_at and day_ends > starts_at):
                continue
            for venue_id in ids:
                if (venue_id, day.isoformat()) not in opens_on:
                    closed.append(ClosedPeriod(venue_id, day_starts, day_ends, name, name))
    closed.sort(key=lambda period: period.starts_at)
    return closed


def closed_reason(period: Any):
    """Why the venue is closed over this period, in words."""
    if getattr(period, "holiday", None):
        return _l("Fermé : %(name)s (jour férié).", name=period.holiday)
    return _l(
        "Le lieu est fermé du %(start)s au %(end)s : %(why)s.",
        start=Moment(period.starts_at),
        end=Moment(period.ends_at),
        why=period.reason or "—",
    )


def calendar_reasons(
    resource: Resource,
    rows: list[Hours],
    starts_at: datetime,
    ends_at: datetime,
    closures: Iterable[Any],
) -> list[Reason]:
    """Why the venue cannot host this period: outside its opening hours, or closed.

    A space or a machine is used at the venue, so the whole period must lie within
    one opening interval and cross no closure. A kit is taken away: only the
    moments of taking it and of bringing it back must fall in opening hours and
    outside closures (it may stay out over a night, a weekend or a closure).
    ``rows`` are the opening hours that rule the resource (``hours_for``), ``closures``
    the confirmed closures of its venue near the period.
    """
    reasons: list[Reason] = []
    if resource.is_exclusive:
        if not within_hours(rows, starts_at, ends_at):
            reasons.append(_outside_hours(rows, starts_at))
        crossing = [c for c in closures if c.starts_at < ends_at and c.ends_at > starts_at]
    else:
        if not open_at(rows, starts_at, arriving=False):
            reasons.append(_outside_hours(rows, starts_at))
        if not open_at(rows, ends_at, arriving=True):
            reasons.append(
                Reason(
                    Code.OUTSIDE_HOURS,
                    _l(
                        "Le retour doit avoir lieu pendant les heures d'ouverture (ce jour-là : %(hours)s).",
                        hours=hours_text(rows, ends_at) or _l("fermé"),
                    ),
                    "ends_at",
                )
            )
        crossing = [c for c in closures if c.starts_at <= starts_at < c.ends_at or c.starts_at < ends_at <= c.ends_at]
    for closure in crossing:
        reasons.append(Reason(Code.CLOSURE, closed_reason(closure), "starts_at"))
    return reasons


def _outside_hours(rows: list[Hours], starts_at: datetime) -> Reason:
    hours = hours_text(rows, starts_at)
    if not hours:
        return Reason(Code.OUTSIDE_HOURS, _l("La ressource n'est pas ouverte ce jour-là."), "starts_at")
    return Reason(
        Code.OUTSIDE_HOURS,
        _l("Hors des heures d'ouverture : ce jour-là, %(hours)s.", hours=hours),
        "starts_at",
    )
