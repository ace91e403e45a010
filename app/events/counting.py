"""What the reports count of the events: every encounter held, with its registrations and attendance.

``events_held(session, start, end, venue_ids)`` is the query the activity reports call
(``app.reports``): plain values, no request, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.events.models import Event, EventCategory, EventStatus, Registration, RegistrationStatus


@dataclass(frozen=True)
class HeldEvent:
    event_id: int
    venue_id: int
    category_slug: str
    title: str
    starts_at: datetime
    registered: int  # confirmed registrations
    attended: int  # marked present
    theme_ids: tuple[int, ...]


@dataclass(frozen=True)
class CategoryCount:
    category_slug: str
    events: int
    registered: int
    attended: int


def events_held(
    session: Session, start: datetime, end: datetime, venue_ids: Iterable[int] | None = None
) -> list[HeldEvent]:
    """The events (not cancelled) that started in ``[start, end)`` at these venues (None: all), soonest
    first, with their confirmed registrations and attendance."""
    from app.events.models import event_themes

    confirmed = func.sum(case((Registration.status == RegistrationStatus.CONFIRMED, 1), else_=0))
    present = func.sum(case((Registration.attended.is_(True), 1), else_=0))
    query = (
        select(Event.id, Event.venue_id, EventCategory.slug, Event.title, Event.starts_at, confirmed, present)
        .join(EventCategory, Event.category_id == EventCategory.id)
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at >= start, Event.starts_at < end)
        .group_by(Event.id, Event.venue_id, EventCategory.slug, Event.title, Event.starts_at)
        .order_by(Event.starts_at, Event.id)
    )
    if venue_ids is not None:
        query = query.where(Event.venue_id.in_(list(venue_ids)))
    rows = session.execute(query).all()
    themes: dict[int, list[int]] = {}
    if rows:
        for event_id, theme_id in session.execute(
            select(event_themes.c.event_id, event_themes.c.theme_id).where(
                event_themes.c.event_id.in_([row[0] for row in rows])
            )
        ):
            themes.setdefault(event_id, []).append(theme_id)
    return [
        HeldEvent(
            row[0], row[1], row[2], row[3], row[4], int(row[5] or 0), int(row[6] or 0), tuple(themes.get(row[0], ()))
        )
        for row in rows
    ]


def by_category(held: list[HeldEvent]) -> list[CategoryCount]:
    """The events held, counted by category (in the order categories first appear)."""
    counts: dict[str, list[int]] = {}
    for event in held:
        count = counts.setdefault(event.category_slug, [0, 0, 0])
        count[0] += 1
        count[1] += event.registered
        count[2] += event.attended
    return [CategoryCount(slug, *values) for slug, values in counts.items()]
