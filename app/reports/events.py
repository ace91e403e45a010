"""The events section of the reports: the events held in the period (cancelled ones left out), their
registrations and attendance, the encounters ("rencontres") by category, and the people reached.

People reached: the distinct email addresses of those who attended (marked present), or, for an
event whose attendance was not marked, who held a confirmed seat. One aggregate query per table.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.core.i18n import lazy_gettext as _l
from app.events.models import Event, EventCategory, EventStatus, Registration, RegistrationStatus, event_themes
from app.extensions import db
from app.reports.figures import Report
from app.reports.tables import Column, Table

MEASURES = [
    Column("events", _l("Évènements tenus"), "count"),
    Column("registrations", _l("Inscriptions confirmées"), "count"),
    Column("waitlisted", _l("En liste d'attente"), "count"),
    Column("attended", _l("Présences"), "count"),
    Column("reached", _l("Personnes touchées"), "count"),
]


def _present() -> sa.ColumnElement:
    """A registration that reached its person: marked present, or, at an event whose attendance was
    not marked at all, a confirmed seat."""
    other = sa.orm.aliased(Registration)
    marked = (
        sa.select(other.id)
        .where(other.event_id == Registration.event_id, other.attended.is_not(None))
        .correlate(Registration)
        .exists()
    )
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    return sa.or_(Registration.attended.is_(True), sa.and_(confirmed, Registration.attended.is_(None), ~marked))


def tables(report: Report) -> list[Table]:
    return [by_category(report), by_venue(report)]


def _held(report: Report) -> list[sa.ColumnElement]:
    filters = report.filters
    period = filters.period
    clauses = [
        Event.status != EventStatus.CANCELLED,
        Event.starts_at >= period.starts_at,
        Event.starts_at < period.ends_at,
        Event.venue_id.in_(filters.venue_ids),
    ]
    if filters.theme_id is not None:
        clauses.append(
            Event.id.in_(sa.select(event_themes.c.event_id).where(event_themes.c.theme_id == filters.theme_id))
        )
    return clauses


def _figures(report: Report, key: sa.ColumnElement) -> dict:
    """``key`` → events, confirmed, waitlisted, attended and people reached, for the held events."""
    held = _held(report)
    events = dict(
        db.session.execute(sa.select(key, sa.func.count(Event.id)).select_from(Event).where(*held).group_by(key)).all()
    )
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    present = _present()
    seats = db.session.execute(
        sa.select(
            key,
            sa.func.sum(sa.case((confirmed, 1), else_=0)),
            sa.func.sum(sa.case((Registration.status == RegistrationStatus.WAITLISTED, 1), else_=0)),
            sa.func.sum(sa.case((Registration.attended.is_(True), 1), else_=0)),
            sa.func.count(sa.distinct(sa.case((present, sa.func.lower(Registration.email)), else_=None))),
        )
        .select_from(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(*held)
        .group_by(key)
    )
    found = {
        k: {"events": n, "registrations": 0, "waitlisted": 0, "attended": 0, "reached": 0} for k, n in events.items()
    }
    for k, registered, waiting, attended, reached in seats:
        found.setdefault(k, {"events": 0})
        found[k].update(
            registrations=int(registered or 0),
            waitlisted=int(waiting or 0),
            attended=int(attended or 0),
            reached=int(reached or 0),
        )
    return found


def _reached_overall(report: Report) -> int:
    """People reached across every held event (someone at two events counts once); both tables'
    total, queried once per report."""
    if "people_reached" not in report.shared:
        held = _held(report)
        present = _present()
        report.shared["people_reached"] = int(
            db.session.scalar(
                sa.select(sa.func.count(sa.distinct(sa.func.lower(Registration.email))))
                .select_from(Event)
                .join(Registration, Registration.event_id == Event.id)
                .where(*held, present)
            )
            or 0
        )
    return report.shared["people_reached"]


def _table(key: str, title, group, labels: dict, found: dict, report: Report, caption) -> Table:
    rows = [{"label": str(labels[k]), **found[k]} for k in labels if k in found]
    totals = {"label": str(_l("Total")), **{c.key: sum(r[c.key] for r in rows) for c in MEASURES}}
    totals["reached"] = _reached_overall(report)
    table = Table(
        key,
        title,
        [Column("label", group), *MEASURES],
        rows,
        totals,
        caption=caption,
        chart="bar",
        chart_value="events",
    )
    table.notes.append(
        _l(
            "Personnes touchées : les présents, ou les inscrits confirmés quand la présence n'a pas été "
            "relevée ; une personne venue à plusieurs évènements compte une fois au total. "
            "Les évènements annulés sont exclus."
        )
    )
    return table


def by_category(report: Report) -> Table:
    categories = db.session.execute(
        sa.select(EventCategory.id, EventCategory.name_fr, EventCategory.name_en).order_by(EventCategory.position)
    ).all()
    from app.core.i18n import current_language

    english = current_language().startswith("en")
    labels = {c.id: (c.name_en if english else c.name_fr) for c in categories}
    return _table(
        "rencontres_par_categorie",
        _l("Rencontres par catégorie"),
        _l("Catégorie"),
        labels,
        _figures(report, Event.category_id),
        report,
        _l(
            "Évènements tenus sur la période par catégorie (Apéro tiers-lieux, réunions de pilotage, ateliers…), avec leurs inscriptions et leurs présences."
        ),
    )


def by_venue(report: Report) -> Table:
    names = report.catalogue.venues
    labels = {v: names[v] for v in sorted(report.filters.venue_ids, key=lambda v: names[v])}
    return _table(
        "evenements_par_lieu",
        _l("Évènements par lieu"),
        _l("Lieu"),
        labels,
        _figures(report, Event.venue_id),
        report,
        _l("Évènements tenus sur la période dans chaque lieu, avec leurs inscriptions et leurs présences."),
    )
