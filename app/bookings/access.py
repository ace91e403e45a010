"""Who sees which booking, and the lists of "Mes réservations". No request here.

A booking is seen by its requester, the managers of its resource's venue and the
coordinators; anybody else is told it does not exist (no leak).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload, with_expression

from app.bookings import queries
from app.extensions import db
from app.models import (
    OPEN_WAITLIST_STATUSES,
    AuditEntry,
    Booking,
    BookingStatus,
    Resource,
    Series,
    User,
    Venue,
    WaitlistEntry,
)

PAGE_SIZE = 20
MAX_ROWS = 2000  # a member's own list; beyond it the oldest past bookings are not listed


def can_see(user: User | None, booking: Booking) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return booking.requester_id == user.id or user.is_coordinator or user.manages(booking.resource.venue_id)


def visible_booking(user: User, booking_id: int) -> Booking | None:
    booking = db.session.get(Booking, booking_id)
    return booking if booking is not None and can_see(user, booking) else None


def visible_series(user: User, series_id: int) -> Series | None:
    series = db.session.get(Series, series_id)
    if series is None or user is None:
        return None
    resource = db.session.get_one(Resource, series.resource_id)
    if series.requester_id == user.id or user.is_coordinator or user.manages(resource.venue_id):
        return series
    return None


@cache
def _bookable_resource() -> Select:
    """The resource ``:id`` with what its form's checks and its booking read of it: its venue, its
    opening hours and its venue's, its tariffs (the price), and whether anyone waits for it (a
    booking leaves the requester's waiting list only then: ``waitlist.fulfil``). Built once: the
    statement and its loader options cost more to build than to run."""
    return (
        select(Resource)
        .where(Resource.id == bindparam("id", type_=Resource.__table__.c.id.type))
        .options(
            joinedload(Resource.venue).joinedload(Venue.opening_hours),
            joinedload(Resource.opening_hours),
            joinedload(Resource.tariffs),
            with_expression(Resource.has_waiters, queries.has_waiters()),
        )
    )


def bookable_resource(resource_id: int) -> Resource | None:
    """A resource in service (the booking form of a retired one does not exist)."""
    resource = db.session.execute(_bookable_resource(), {"id": resource_id}).unique().scalar_one_or_none()
    if resource is None or not resource.is_active or not resource.venue.is_active:
        return None
    return resource


def own_waitlist_entry(user: User, entry_id: int) -> WaitlistEntry | None:
    entry = db.session.get(WaitlistEntry, entry_id)
    return entry if entry is not None and entry.user_id == user.id else None


def history(booking: Booking) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def series_cancellable(series: Series | None, bookings: list[Booking], user: User) -> bool:
    """Whether "cancel the series" applies: the user asked for it, and some of these occurrences
    are still requested or approved."""
    return (
        series is not None
        and series.requester_id == user.id
        and any(booking.status in (BookingStatus.REQUESTED, BookingStatus.APPROVED) for booking in bookings)
    )


@dataclass
class Group:
    """One line of "Mes réservations": a single booking, or the occurrences of one series."""

    bookings: list[Booking] = field(default_factory=list)
    series: Series | None = None
    # The member may cancel what is left of the series (its requester, occurrences still to come).
    series_cancellable: bool = False


@dataclass
class GroupPage:
    groups: list[Group]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def empty(self) -> bool:
        return not self.groups


def my_bookings(user: User, now: datetime, *, upcoming: bool, number: int = 1) -> GroupPage:
    """The member's bookings to come (soonest first) or past (latest first), series grouped, one page."""
    query = (
        select(Booking)
        .where(Booking.requester_id == user.id)
        .options(selectinload(Booking.resource).selectinload(Resource.venue), selectinload(Booking.series))
    )
    if upcoming:
        query = query.where(Booking.ends_at >= now).order_by(Booking.starts_at, Booking.id)
    else:
        query = query.where(Booking.ends_at < now).order_by(Booking.starts_at.desc(), Booking.id.desc())
    groups: list[Group] = []
    by_series: dict[int, Group] = {}
    for booking in db.session.scalars(query.limit(MAX_ROWS)):
        if booking.series_id is None:
            groups.append(Group([booking]))
        elif booking.series_id in by_series:
            by_series[booking.series_id].bookings.append(booking)
        else:
            group = Group([booking], booking.series)
            by_series[booking.series_id] = group
            groups.append(group)
    for group in by_series.values():
        group.series_cancellable = upcoming and series_cancellable(group.series, group.bookings, user)
    number = max(number, 1)
    start = (number - 1) * PAGE_SIZE
    return GroupPage(groups[start : start + PAGE_SIZE], number, len(groups) > start + PAGE_SIZE)


def my_waitlist(user: User) -> list[WaitlistEntry]:
    return list(
        db.session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.user_id == user.id, WaitlistEntry.status.in_(OPEN_WAITLIST_STATUSES))
            .options(selectinload(WaitlistEntry.resource).selectinload(Resource.venue))
            .order_by(WaitlistEntry.starts_at, WaitlistEntry.id)
        )
    )
