"""The engine's frequent queries, built once and run with bound parameters.

Building a SQLAlchemy statement costs more than running it: about 0.2 ms to
build and compile a select on this kind of machine, against 0.03 ms for SQLite
to answer it. A booking check runs a handful of them, so they are built once
(per dialect) here and executed with parameters; their results are plain rows.
Likewise the few related values a check needs (the venue's state, the booker's
audience, a tariff) are read from the objects when already loaded, and else by
one small prebuilt query rather than by loading the related objects.

On SQLite some terms read ``+column``: SQLite's planner has no statistics
unless someone runs ANALYZE, and left alone it may read the bookings through
``(status, starts_at)`` and scan the whole past. The unary plus (SQLite's
documented way of disqualifying a term from index use) leaves it the index
``(resource_id, holds_until)``, which reads only the bookings still to come.
PostgreSQL plans from its statistics and gets the columns as they are.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy import CompoundSelect, Select, bindparam, inspect, select, union_all
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from app.extensions import db
from app.models import (
    HOLDING_STATUSES,
    OPEN_WAITLIST_STATUSES,
    Audience,
    Booking,
    BookingStatus,
    Closure,
    ClosureStatus,
    OpeningHours,
    Organisation,
    Qualification,
    Resource,
    ResourceOutage,
    Tariff,
    TariffAudience,
    User,
    Venue,
    VenueHolidayOpening,
    WaitlistEntry,
)

HOLDING = [status.value for status in HOLDING_STATUSES]
OPEN_WAITING = [status.value for status in OPEN_WAITLIST_STATUSES]


def on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _plus(column: ColumnElement, sqlite: bool) -> ColumnElement:
    if not sqlite:
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _param(name: str, column: ColumnElement, expanding: bool = False):
    return bindparam(name, type_=column.type, expanding=expanding)


@cache
def holds(sqlite: bool) -> Select:
    """Bookings of ``:ids`` in ``:statuses`` whose held period crosses ``[:starts_at, :until)``,
    except ``:exclude``."""
    b = Booking.__table__.c
    return select(b.id, b.resource_id, b.starts_at, b.holds_until, b.quantity).where(
        b.resource_id.in_(_param("ids", b.resource_id, expanding=True)),
        b.holds_until > _param("starts_at", b.holds_until),
        _plus(b.starts_at, sqlite) < _param("until", b.starts_at),
        _plus(b.status, sqlite).in_(_param("statuses", b.status, expanding=True)),
        b.id.not_in(_param("exclude", b.id, expanding=True)),
    )


@cache
def holds_and_pending(sqlite: bool) -> Select:
    """:func:`holds`, with each booking's status, for ``:statuses`` that also name the pending
    requests: who holds the period and who waits for it, in one statement."""
    b = Booking.__table__.c
    return select(b.id, b.resource_id, b.starts_at, b.holds_until, b.quantity, b.status).where(
        b.resource_id.in_(_param("ids", b.resource_id, expanding=True)),
        b.holds_until > _param("starts_at", b.holds_until),
        _plus(b.starts_at, sqlite) < _param("until", b.starts_at),
        _plus(b.status, sqlite).in_(_param("statuses", b.status, expanding=True)),
        b.id.not_in(_param("exclude", b.id, expanding=True)),
    )


@cache
def pending_crossing(sqlite: bool) -> Select:
    """Ids of the pending requests of ``:resource_id`` crossing ``[:starts_at, :until)``, except ``:own``."""
    b = Booking.__table__.c
    return select(b.id).where(
        b.resource_id == _param("resource_id", b.resource_id),
        b.holds_until > _param("starts_at", b.holds_until),
        _plus(b.starts_at, sqlite) < _param("until", b.starts_at),
        _plus(b.status, sqlite) == BookingStatus.REQUESTED.value,
        b.id != _param("own", b.id),
    )


@cache
def closures() -> CompoundSelect:
    """The confirmed closures of the venues ``:ids`` crossing ``[:starts_at, :ends_at)``, and (the same
    statement) the public holidays on which these venues chose to open, as rows whose ``opens_on``
    is that day (``YYYY-MM-DD``) and whose period is empty."""
    c = Closure.__table__.c
    o = VenueHolidayOpening.__table__.c
    in_force = select(
        c.venue_id, c.starts_at, c.ends_at, c.reason, sa.cast(sa.null(), sa.String).label("opens_on")
    ).where(
        c.venue_id.in_(_param("ids", c.venue_id, expanding=True)),
        c.status == ClosureStatus.CONFIRMED.value,
        c.starts_at < _param("ends_at", c.starts_at),
        c.ends_at > _param("starts_at", c.ends_at),
    )
    openings = select(
        o.venue_id,
        sa.cast(sa.null(), c.starts_at.type),
        sa.cast(sa.null(), c.ends_at.type),
        sa.literal(""),
        sa.cast(o.day, sa.String),
    ).where(o.venue_id.in_(_param("ids", o.venue_id, expanding=True)))
    return union_all(in_force, openings)


@cache
def active_resources(of_kind: bool, in_venues: bool) -> Select:
    """The active resources of the active venues, by venue name and name: of the kind ``:kind``
    (``of_kind``), in the venues ``:venue_ids`` (``in_venues``). ORM objects."""
    query = (
        select(Resource)
        .join(Venue, Resource.venue_id == Venue.id)
        .where(Resource.is_active.is_(True), Venue.is_active.is_(True))
        .order_by(Venue.name, Resource.name)
    )
    r = Resource.__table__.c
    if of_kind:
        query = query.where(r.kind == _param("kind", r.kind))
    if in_venues:
        query = query.where(r.venue_id.in_(_param("venue_ids", r.venue_id, expanding=True)))
    return query


@cache
def outages() -> Select:
    """The outages of the resources ``:ids`` crossing ``[:starts_at, :ends_at)``, oldest first. ORM objects."""
    o = ResourceOutage.__table__.c
    return (
        select(ResourceOutage)
        .where(
            o.resource_id.in_(_param("ids", o.resource_id, expanding=True)),
            o.ends_at > _param("starts_at", o.ends_at),
            o.starts_at < _param("ends_at", o.starts_at),
        )
        .order_by(o.starts_at)
    )


@cache
def qualifications(of_types: bool) -> Select:
    """``:user_id``'s qualifications granted on the machines ``:ids``, or (``of_types``) recognised
    across the consortium for machines of the types ``:types``. ORM objects."""
    q = Qualification.__table__.c
    matches: ColumnElement[bool] = q.resource_id.in_(_param("ids", q.resource_id, expanding=True))
    if of_types:
        matches = matches | (
            q.machine_type.in_(_param("types", q.machine_type, expanding=True)) & q.recognised_consortium_wide.is_(True)
        )
    return select(Qualification).where(q.user_id == _param("user_id", q.user_id), matches)


@cache
def opening_hours() -> Select:
    """Every opening row of the venues ``:ids`` (theirs and their resources')."""
    h = OpeningHours.__table__.c
    return select(h.venue_id, h.resource_id, h.weekday, h.opens, h.closes).where(
        h.venue_id.in_(_param("ids", h.venue_id, expanding=True))
    )


def has_waiters() -> sa.ColumnElement[bool]:
    """Whether a resource (of the statement that loads it) has open waitlist entries."""
    w = WaitlistEntry.__table__.c
    return (
        select(w.id)
        .where(w.resource_id == Resource.__table__.c.id, w.status.in_(OPEN_WAITING))
        .exists()
        .correlate(Resource.__table__)
    )


@cache
def waiting_ids() -> Select:
    """Ids of ``:user_id``'s open waitlist entries on ``:resource_id`` crossing ``[:starts_at, :ends_at)``."""
    w = WaitlistEntry.__table__.c
    return select(w.id).where(
        w.user_id == _param("user_id", w.user_id),
        w.resource_id == _param("resource_id", w.resource_id),
        w.status.in_(OPEN_WAITING),
        w.ends_at > _param("starts_at", w.ends_at),
        w.starts_at < _param("ends_at", w.starts_at),
    )


@cache
def lock_resource() -> Select:
    r = Resource.__table__.c
    return select(r.id).where(r.id == _param("id", r.id)).with_for_update()


def is_loaded(instance: object, attribute: str) -> bool:
    """Whether an ORM object has this attribute loaded (False for anything else, a row say)."""
    state = inspect(instance, raiseerr=False)
    return state is not None and attribute not in state.unloaded


@cache
def _venue_active() -> Select:
    v = Venue.__table__.c
    return select(v.is_active).where(v.id == _param("id", v.id))


def venue_active(resource: Resource) -> bool:
    if is_loaded(resource, "venue"):
        return resource.venue.is_active
    return bool(db.session.scalar(_venue_active(), {"id": resource.venue_id}))


@cache
def _organisation_audience() -> Select:
    o = Organisation.__table__.c
    return select(o.audience).where(o.id == _param("id", o.id))


def audience_of(user: User) -> Audience:
    """``user.audience`` (their organisation's; external without one), without loading the organisation."""
    if user.organisation_id is None or is_loaded(user, "organisation"):
        return user.audience
    return Audience(db.session.scalar(_organisation_audience(), {"id": user.organisation_id}))


@cache
def _tariff() -> Select:
    t = Tariff.__table__.c
    return select(t.hour_cents, t.half_day_cents, t.day_cents).where(
        t.resource_id == _param("resource_id", t.resource_id), t.audience == _param("audience", t.audience)
    )


def tariff_rates(resource: Resource, audience: TariffAudience) -> tuple[int | None, int | None, int | None] | None:
    """(hour, half-day, day) rates of the resource's tariff for the audience, or None without one."""
    if is_loaded(resource, "tariffs"):
        tariff = resource.tariff_for(audience)
        return None if tariff is None else (tariff.hour_cents, tariff.half_day_cents, tariff.day_cents)
    row = db.session.execute(_tariff(), {"resource_id": resource.id, "audience": audience.value}).first()
    return None if row is None else tuple(row)
