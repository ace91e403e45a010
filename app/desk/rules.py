"""What the desk shows and does, without the request: the pending requests of some venues, their
collisions, and decisions on several requests at once.

| function | what |
| --- | --- |
| ``pending_count(user)`` | the pending requests a manager or coordinator may decide (one COUNT query) |
| ``desk_items(venue_ids, touched)`` | pending requests (oldest first) and those just decided, series grouped |
| ``decide_many(bookings, actor, approve, note)`` | each decision in its own savepoint; a refusal keeps the others |
| ``pending_changes_in(venue_ids)`` | changes asked for approved bookings, with what their new period crosses |

Permissions come from ``app.manage.permissions``: a manager decides on the venues they
manage, a coordinator on every venue; the views turn "not mine" into 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from app.bookings import service
from app.bookings.service import Reason, Refusal
from app.extensions import db
from app.manage import permissions
from app.models import (
    Booking,
    BookingChange,
    BookingStatus,
    ChangeStatus,
    Organisation,
    Resource,
    Series,
    User,
    VenueMembership,
    VenueRole,
    utcnow,
)

RECENT = timedelta(days=7)


def pending_count(user: User) -> int:
    """The requests waiting for this user's decision, in one COUNT query."""
    # Read from the index on (status, starts_at) alone; a manager's venues as a list of resources.
    query = select(func.count(Booking.id)).where(Booking.status == BookingStatus.REQUESTED)
    if not user.is_coordinator:
        managed = select(VenueMembership.venue_id).where(
            VenueMembership.user_id == user.id, VenueMembership.role == VenueRole.MANAGER
        )
        query = query.where(Booking.resource_id.in_(select(Resource.id).where(Resource.venue_id.in_(managed))))
    return db.session.scalar(query) or 0


def can_decide(user: User, booking: Booking) -> bool:
    return permissions.can_manage_venue(user, booking.resource.venue)


def _loaded(query):
    """Each booking with what its row shows: its resource (whose venue is one of the desk's, in the
    session already: ``permissions.manageable_venues``), requester and organisation joined to it, in
    one statement; the resources' photos in one more, the series in one more when there are any."""
    return query.options(
        joinedload(Booking.resource).selectinload(Resource.photos),
        joinedload(Booking.requester),
        joinedload(Booking.organisation),
        selectinload(Booking.series),
    )


def _listed(query):
    """:func:`_loaded` for a query that joins the bookings' resources already (to filter on their venue)."""
    return query.options(
        contains_eager(Booking.resource).selectinload(Resource.photos),
        joinedload(Booking.requester),
        joinedload(Booking.organisation),
        selectinload(Booking.series),
    )


def bookings_by_ids(ids: Iterable[int]) -> list[Booking]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(_loaded(select(Booking).where(Booking.id.in_(ids)))))


@dataclass
class Row:
    """One request as the desk shows it."""

    booking: Booking
    collisions: list[Booking] = field(default_factory=list)  # other pending requests over the same period
    would_reject: list[Booking] = field(default_factory=list)  # what approving it would turn down
    reasons: list[Reason] = field(default_factory=list)  # why the last action on it was refused
    outcome: str = ""  # what the last action did, in words
    focus: bool = False  # the row just decided inline: the keyboard focus goes to its outcome

    @property
    def pending(self) -> bool:
        return self.booking.status == BookingStatus.REQUESTED


@dataclass
class Group:
    """The rows of one series, decided as a whole or one by one."""

    series: Series
    rows: list[Row]
    would_reject: list[Booking] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    outcome: str = ""

    @property
    def pending_rows(self) -> list[Row]:
        return [row for row in self.rows if row.pending]


def _collisions(pending: list[Booking]) -> dict[int, list[Booking]]:
    """For each pending request, the other pending requests of the same resource crossing its held period."""
    by_resource: dict[int, list[Booking]] = {}
    for booking in pending:
        by_resource.setdefault(booking.resource_id, []).append(booking)
    found: dict[int, list[Booking]] = {}
    for group in by_resource.values():
        for booking in group:
            found[booking.id] = [
                other
                for other in group
                if other.id != booking.id
                and other.starts_at < booking.holds_until
                and booking.starts_at < other.holds_until
            ]
    return found


def collisions_among(pending: list[Booking]) -> dict[int, list[Booking]]:
    """For each pending request, the other pending requests of the same resource over its period."""
    return _collisions(pending)


def pending_count_in(venue_ids: list[int]) -> int:
    """How many requests of these venues wait for a decision (the desk's heading), in one COUNT query."""
    if not venue_ids:
        return 0
    query = (
        select(func.count(Booking.id))
        .join(Resource, Booking.resource_id == Resource.id)
        .where(Booking.status == BookingStatus.REQUESTED, Resource.venue_id.in_(venue_ids))
    )
    return db.session.scalar(query) or 0


@cache
def _pending_query() -> Select:
    return _listed(
        select(Booking)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(
            Booking.status == BookingStatus.REQUESTED,
            Resource.venue_id.in_(bindparam("venue_ids", expanding=True)),
        )
        .order_by(Booking.created_at, Booking.starts_at, Booking.id)
    )


def pending_in(venue_ids: list[int]) -> list[Booking]:
    """The pending requests of these venues, oldest first (a statement built once)."""
    if not venue_ids:
        return []
    return list(db.session.scalars(_pending_query(), {"venue_ids": venue_ids}))


@dataclass(frozen=True)
class Decision:
    """A decision of the past week as the desk lists it: the words shown, not the booking's rows."""

    id: int
    resource_name: str
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus
    requester_name: str
    organisation_name: str | None
    decided_by_name: str | None


@cache
def _recent_query(limit: int) -> Select:
    decider = aliased(User)  # the requester is a user too
    return (
        select(
            Booking.id,
            Resource.name,
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
            User.name,
            Organisation.name,
            decider.name,
        )
        .join(Resource, Booking.resource_id == Resource.id)
        .join(User, Booking.requester_id == User.id)
        .outerjoin(Organisation, Booking.organisation_id == Organisation.id)
        .outerjoin(decider, Booking.decided_by_id == decider.id)
        .where(
            Resource.venue_id.in_(bindparam("venue_ids", expanding=True)),
            Booking.decided_at.is_not(None),
            Booking.decided_at >= bindparam("since", type_=Booking.__table__.c.decided_at.type),
            Booking.status != BookingStatus.REQUESTED,
        )
        .order_by(Booking.decided_at.desc(), Booking.id.desc())
        .limit(limit)
    )


def recently_decided(venue_ids: list[int], now: datetime, limit: int = 20) -> list[Decision]:
    """The latest decisions of the past week on these venues' requests, newest first: what the list
    says of each, in one statement (built once), no booking loaded."""
    if not venue_ids:
        return []
    found = db.session.execute(_recent_query(limit), {"venue_ids": venue_ids, "since": now - RECENT})
    return [Decision(*row) for row in found]


def make_row(booking: Booking, collisions: list[Booking] | None = None) -> Row:
    """A row of the desk; collisions (every pending request crossing it) are computed when not
    given (one query), and tell what approving it would reject."""
    pending = booking.status == BookingStatus.REQUESTED
    if collisions is None:
        collisions = _collisions(pending_with(booking)).get(booking.id, []) if pending else []
    would_reject = service.preview_approval(booking, crossing=collisions) if pending else []
    return Row(booking, collisions, would_reject)


def pending_with(booking: Booking) -> list[Booking]:
    """The pending requests of the booking's resource crossing it, the booking included."""
    query = select(Booking).where(
        Booking.resource_id == booking.resource_id,
        Booking.status == BookingStatus.REQUESTED,
        Booking.starts_at < booking.holds_until,
        Booking.holds_until > booking.starts_at,
    )
    found = list(db.session.scalars(_loaded(query)))
    if booking not in found:
        found.append(booking)
    return found


def make_group(series: Series, bookings: list[Booking], collisions: dict[int, list[Booking]] | None = None) -> Group:
    rows = [make_row(b, collisions.get(b.id, []) if collisions is not None else None) for b in bookings]
    pending = any(row.pending for row in rows)
    return Group(series, rows, service.preview_series_approval(series) if pending else [])


def series_bookings(series: Series, touched: Iterable[int] = ()) -> list[Booking]:
    """The pending occurrences of a series, and those just decided."""
    touched = set(touched)
    query = select(Booking).where(Booking.series_id == series.id).order_by(Booking.starts_at, Booking.id)
    return [b for b in db.session.scalars(_loaded(query)) if b.status == BookingStatus.REQUESTED or b.id in touched]


def desk_items(venue_ids: list[int], touched: Iterable[int] = ()) -> list[Row | Group]:
    """The desk's list: pending requests oldest first, with those just decided left in their place
    (so the manager sees what happened); the occurrences of a series together."""
    pending = pending_in(venue_ids)
    pending_ids = {b.id for b in pending}
    extra = [b for b in bookings_by_ids(set(touched) - pending_ids) if b.resource.venue_id in set(venue_ids)]
    everything = sorted([*pending, *extra], key=lambda b: (b.created_at, b.starts_at, b.id))
    collisions = _collisions(pending)
    items: list[Row | Group] = []
    groups: dict[int, Group] = {}
    for booking in everything:
        row = make_row(booking, collisions.get(booking.id, []))
        if booking.series_id is None:
            items.append(row)
        elif booking.series_id in groups:
            groups[booking.series_id].rows.append(row)
        else:
            group = Group(booking.series, [row])
            groups[booking.series_id] = group
            items.append(group)
    for group in groups.values():
        if group.pending_rows:
            group.would_reject = service.preview_series_approval(group.series)
    return items


@dataclass
class Outcome:
    """What happened to one request of a batch."""

    booking: Booking
    done: bool
    rejected: list[Booking] = field(default_factory=list)  # collisions turned down by an approval
    reasons: list[Reason] = field(default_factory=list)
    superseded: bool = False  # turned down earlier in the same batch, by the approval of a colliding request


def decide(booking: Booking, actor: User, approve: bool, note: str, now: datetime | None = None) -> Outcome:
    """Approve or reject one request inside a savepoint: a refusal undoes only this one."""
    now = now or utcnow()
    try:
        with db.session.begin_nested():
            if approve:
                rejected = service.approve(booking, actor, note, now)
            else:
                service.reject(booking, actor, note, now)
                rejected = []
    except Refusal as refusal:
        db.session.refresh(booking)
        return Outcome(booking, False, reasons=refusal.reasons)
    return Outcome(booking, True, rejected)


def decide_many(
    bookings: list[Booking], actor: User, approve: bool, note: str, now: datetime | None = None
) -> list[Outcome]:
    """Decide on several requests, oldest first; each in its own savepoint, so one refused approval
    keeps the others. The caller commits once. A request already turned down by an earlier approval
    of the batch is reported as such."""
    now = now or utcnow()
    outcomes = []
    turned_down: set[int] = set()
    for booking in sorted(bookings, key=lambda b: (b.created_at, b.starts_at, b.id)):
        if booking.id in turned_down:
            outcomes.append(Outcome(booking, False, superseded=True))
            continue
        outcome = decide(booking, actor, approve, note, now)
        turned_down.update(other.id for other in outcome.rejected)
        outcomes.append(outcome)
    return outcomes


def decide_series(
    series: Series, actor: User, approve: bool, note: str, now: datetime | None = None
) -> tuple[list[Booking], list[Booking]]:
    """Approve or reject every pending occurrence (all or none): (the occurrences decided, the other requests
    rejected by the approval). Raises ``Refusal``; nothing is written then (the savepoint is rolled back)."""
    now = now or utcnow()
    pending = [b for b in series.bookings if b.status == BookingStatus.REQUESTED]
    with db.session.begin_nested():
        if approve:
            rejected = service.approve_series(series, actor, note, now)
        else:
            service.reject_series(series, actor, note, now)
            rejected = []
    return pending, rejected


# --- Changes to approved bookings -------------------------------------------------------------------


@dataclass
class ChangeRow:
    """A change asked for an approved booking, as the desk shows it: before and after, the price
    difference, and what the new period crosses."""

    change: BookingChange
    holders: list[Booking] = field(default_factory=list)  # bookings holding the new period: approval is refused
    pending: list[Booking] = field(default_factory=list)  # pending requests approving it would turn down
    reasons: list[Reason] = field(default_factory=list)


@cache
def _pending_changes_query() -> Select:
    return (
        select(BookingChange)
        .join(Booking, BookingChange.booking_id == Booking.id)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(
            BookingChange.status == ChangeStatus.PENDING,
            Resource.venue_id.in_(bindparam("venue_ids", expanding=True)),
        )
        .order_by(BookingChange.requested_at, BookingChange.id)
        .options(
            selectinload(BookingChange.booking).selectinload(Booking.resource).selectinload(Resource.venue),
            selectinload(BookingChange.booking).selectinload(Booking.requester),
            selectinload(BookingChange.booking).selectinload(Booking.organisation),
        )
    )


def pending_changes_in(venue_ids: list[int]) -> list[ChangeRow]:
    """The changes of these venues' approved bookings waiting for a decision, oldest first (a
    statement built once: the desk asks at every visit, most often for none)."""
    if not venue_ids:
        return []
    changes = list(db.session.scalars(_pending_changes_query(), {"venue_ids": venue_ids}))
    collisions = service.collisions_for(changes)  # one query for them all
    return [ChangeRow(change, *collisions[change.id]) for change in changes]


def can_decide_change(user: User, change: BookingChange) -> bool:
    return can_decide(user, change.booking)
