"""The planning of a venue: its resources' bookings day by day (Europe/Paris), the kits to hand over
and to take back today, and the overdue returns. No request here.

A day is a Paris calendar day: ``[00:00, next 00:00)`` converted to UTC, so the two
daylight-saving days (23 and 25 hours) need nothing special. A booking appears on every
day it crosses. Rejected and cancelled bookings are not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bookings.hours import closures_over, hours_for, hours_text, intervals_on
from app.bookings.outages import outages_over
from app.core.clock import paris_to_utc, paris_today, utcnow
from app.core.i18n import lazy_gettext as _l
from app.desk import grid
from app.extensions import db
from app.manage.parsing import paris_moment
from app.models import Booking, BookingStatus, KitCheckKind, Resource, ResourceKind, Venue

SHOWN = (BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.HANDED_OVER, BookingStatus.RETURNED)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return paris_moment(day), paris_moment(day + timedelta(days=1))


@dataclass
class ResourceDay:
    resource: Resource
    bookings: list[Booking] = field(default_factory=list)
    closed: bool = False  # closed the whole day: no opening hours that day, a closure or a public holiday
    why_closed: list[str] = field(default_factory=list)  # the closures and holidays crossing the day, in words
    hours: str = ""  # the opening hours of that day, as "9:00-12:00, 14:00-18:00"
    out_of_service: list[Any] = field(default_factory=list)  # the outages of a machine or kit crossing the day
    blocks: list[grid.Block] = field(default_factory=list)  # the day's track on the time grid (app.desk.grid)


def _closure_words(period: Any) -> str:
    if getattr(period, "holiday", None):
        return str(_l("%(name)s (jour férié)", name=period.holiday))
    return period.reason or ""


def _covered(start: datetime, end: datetime, periods: list[Any]) -> bool:
    """Whether the periods (sorted by start) together cover ``[start, end)``."""
    reached = start
    for period in periods:
        if period.starts_at > reached:
            break
        reached = max(reached, period.ends_at)
        if reached >= end:
            return True
    return reached >= end


def _opening_periods(rows: list[Any], day: date) -> list[tuple[datetime, datetime]]:
    periods = []
    for opens, closes in intervals_on(rows, day.weekday()):
        end = paris_to_utc(day + timedelta(days=1), time(0)) if closes is None else paris_to_utc(day, closes)
        periods.append((paris_to_utc(day, opens), end))
    return periods


@dataclass
class Day:
    day: date
    rows: list[ResourceDay]
    axis: grid.Axis | None = None

    @property
    def count(self) -> int:
        return sum(len(row.bookings) for row in self.rows)


def _loaded(query):
    return query.options(
        selectinload(Booking.resource),
        selectinload(Booking.requester),
        selectinload(Booking.organisation),
        selectinload(Booking.kit_checks),
    )


def venue_resources(venue: Venue) -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource).where(Resource.venue_id == venue.id).order_by(Resource.kind, Resource.name, Resource.id)
        )
    )


def bookings_between(venue: Venue, starts_at: datetime, ends_at: datetime) -> list[Booking]:
    query = (
        select(Booking)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(
            Resource.venue_id == venue.id,
            Booking.status.in_(SHOWN),
            Booking.starts_at < ends_at,
            Booking.ends_at > starts_at,
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    return list(db.session.scalars(_loaded(query)))


def plan(venue: Venue, days: list[date], now: datetime | None = None) -> list[Day]:
    """Each day, each resource of the venue (in service, or retired with bookings that day) with its
    bookings, and its track on the day's time grid (``app.desk.grid``)."""
    now = now or utcnow()
    resources = venue_resources(venue)
    first, _ = day_bounds(days[0])
    _, last = day_bounds(days[-1])
    bookings = bookings_between(venue, first, last)
    hours = hours_for(resources)
    closures = closures_over([venue.id], first, last)
    outages = outages_over(resources, first, last)
    axes = {day: grid.axis_for(day, [r for r in resources if r.is_active], hours, bookings) for day in days}
    tracks = {
        resource.id: grid.tracks(resource, days, axes, hours[resource.id], closures, outages, bookings, now)
        for resource in resources
    }
    result = []
    for day in days:
        start, end = day_bounds(day)
        crossing = [c for c in closures if c.starts_at < end and c.ends_at > start]
        why = [words for words in dict.fromkeys(_closure_words(c) for c in crossing) if words]
        rows = []
        for resource in resources:
            own = [b for b in bookings if b.resource_id == resource.id and b.starts_at < end and b.ends_at > start]
            if resource.is_active or own:
                opening = _opening_periods(hours[resource.id], day)
                closed = all(_covered(opens, closes, crossing) for opens, closes in opening)
                down = [o for o in outages if o.resource_id == resource.id and o.starts_at < end and o.ends_at > start]
                text = hours_text(hours[resource.id], start)
                rows.append(ResourceDay(resource, own, closed, why, text, down, tracks[resource.id][day]))
        result.append(Day(day, rows, axes[day]))
    return result


def _kit_bookings(venue_ids: list[int], *conditions) -> list[Booking]:
    if not venue_ids:
        return []
    query = (
        select(Booking)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(Resource.venue_id.in_(venue_ids), Resource.kind == ResourceKind.KIT, *conditions)
        .order_by(Booking.starts_at, Booking.id)
    )
    return list(db.session.scalars(_loaded(query)))


def to_hand_over(venue_ids: list[int], now: datetime) -> list[Booking]:
    """Approved kits whose loan has begun or begins today and has not ended: to hand over."""
    _, end_of_today = day_bounds(paris_today(now))
    return _kit_bookings(
        venue_ids, Booking.status == BookingStatus.APPROVED, Booking.starts_at < end_of_today, Booking.ends_at > now
    )


def to_take_back(venue_ids: list[int], now: datetime) -> list[Booking]:
    """Kits handed over whose loan ends later today: to take back today."""
    _, end_of_today = day_bounds(paris_today(now))
    return _kit_bookings(
        venue_ids, Booking.status == BookingStatus.HANDED_OVER, Booking.ends_at >= now, Booking.ends_at < end_of_today
    )


def overdue(venue_ids: list[int], now: datetime) -> list[Booking]:
    """Kits handed over whose loan has ended and that have not come back, the oldest first."""
    return _kit_bookings(venue_ids, Booking.status == BookingStatus.HANDED_OVER, Booking.ends_at < now)


def handover_of(booking: Booking):
    """The hand-over check of a kit booking (its checklist, notes and deposit received), if any."""
    return next((check for check in booking.kit_checks if check.kind == KitCheckKind.HANDOVER), None)
