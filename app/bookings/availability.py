"""Who holds what, when: overlaps, kit peaks, free units, and what is free across the consortium.

A booking holds its resource from ``starts_at`` to ``holds_until`` (its end plus
the resource's buffer for setup and cleaning) while its status is approved or
handed over. A new booking would hold ``[starts_at, ends_at + buffer)``; it
collides with a held period when the two half-open intervals overlap, so
back-to-back bookings are fine.

Spaces and machines are exclusive: one holder at a time. A kit has ``units``
identical units: the units in use at any instant never exceed them. The peak
over a period comes from a sweep over start and end events, never from the sum
of the overlapping bookings (two loans on Monday and Friday overlap a week
without ever being out together).

Queries read a resource's bookings that end after the period starts, through
the index ``(resource_id, holds_until)``: only bookings still to come are read,
however long the history grows (see ``queries.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.bookings import queries
from app.bookings.errors import Reason, already_booked, not_enough_units, too_close
from app.bookings.hours import ClosedPeriod, Hours, calendar_reasons, closures_over, hours_for
from app.bookings.outages import outages_over
from app.extensions import db
from app.models import BookingStatus, Resource, ResourceKind, ResourceOutage


@dataclass(frozen=True)
class Hold:
    """A period during which a booking holds units of a resource."""

    booking_id: int
    resource_id: int
    starts_at: datetime
    holds_until: datetime
    quantity: int


def lock_resource(resource_id: int) -> None:
    """Take the resource's row lock until the end of the transaction.

    On PostgreSQL this is ``SELECT … FOR UPDATE``: concurrent requests for the same
    resource queue up here, so the availability check that follows sees every
    booking committed before it. On SQLite the transaction already holds the
    database's write lock (``BEGIN IMMEDIATE``, app/extensions.py): nothing to do.
    """
    if not queries.on_sqlite():
        db.session.execute(queries.lock_resource(), {"id": resource_id})


def holds_over(
    resource_ids: Iterable[int], starts_at: datetime, until: datetime, exclude: Iterable[int] = ()
) -> list[Hold]:
    """The holding bookings of these resources whose held period crosses ``[starts_at, until)``."""
    ids = list(resource_ids)
    if not ids:
        return []
    rows = db.session.execute(
        queries.holds(queries.on_sqlite()),
        {
            "ids": ids,
            "starts_at": starts_at,
            "until": until,
            "statuses": queries.HOLDING,
            "exclude": [booking_id for booking_id in exclude if booking_id is not None],
        },
    )
    return [Hold(*row) for row in rows]


def holds_and_pending_over(
    resource_ids: Iterable[int], starts_at: datetime, until: datetime, exclude: Iterable[int] = ()
) -> tuple[list[Hold], list[int]]:
    """:func:`holds_over`, and the ids of the pending requests crossing the same period, in one query."""
    ids = list(resource_ids)
    if not ids:
        return [], []
    rows = db.session.execute(
        queries.holds_and_pending(queries.on_sqlite()),
        {
            "ids": ids,
            "starts_at": starts_at,
            "until": until,
            "statuses": [*queries.HOLDING, BookingStatus.REQUESTED.value],
            "exclude": [booking_id for booking_id in exclude if booking_id is not None],
        },
    )
    holds, pending = [], []
    for booking_id, resource_id, start, held_until_, quantity, status in rows:
        if BookingStatus(status) == BookingStatus.REQUESTED:
            pending.append(booking_id)
        else:
            holds.append(Hold(booking_id, resource_id, start, held_until_, quantity))
    return holds, pending


def peak_units(holds: Iterable[Hold], window_start: datetime, window_end: datetime) -> int:
    """The most units in use at any instant of ``[window_start, window_end)``.

    A sweep: each hold clipped to the window gives a +quantity event at its start
    and a -quantity event at its end; events are taken in time order, ends before
    starts at the same instant (a kit returned at 12:00 can leave again at 12:00).
    """
    events: list[tuple[datetime, int]] = []
    for hold in holds:
        start, end = max(hold.starts_at, window_start), min(hold.holds_until, window_end)
        if start < end:
            events.append((start, hold.quantity))
            events.append((end, -hold.quantity))
    events.sort(key=lambda event: (event[0], event[1]))
    peak = in_use = 0
    for _, delta in events:
        in_use += delta
        peak = max(peak, in_use)
    return peak


def held_until(resource: Resource, ends_at: datetime) -> datetime:
    """The end of the period a booking ending at ``ends_at`` would hold: its end plus the buffer."""
    return ends_at + timedelta(minutes=resource.buffer_minutes)


def availability_reason(
    resource: Resource,
    starts_at: datetime,
    until: datetime,
    quantity: int = 1,
    exclude: Iterable[int] = (),
    holds: Sequence[Hold] | None = None,
) -> Reason | None:
    """Why ``quantity`` of the resource cannot be held over ``[starts_at, until)``, or None when it can.

    ``until`` is the end of the held period (the booking's end plus the buffer).
    ``exclude``: bookings to leave out (the booking being edited or approved).
    ``holds``: the holds already read, when the caller read them for several resources.
    """
    if holds is None:
        holds = holds_over([resource.id], starts_at, until, exclude)
    crossing = [h for h in holds if h.resource_id == resource.id and h.holds_until > starts_at and h.starts_at < until]
    if resource.is_exclusive:
        if not crossing:
            return None
        # Taken, or only too close: the periods themselves, buffers left out, do not overlap.
        buffer = timedelta(minutes=resource.buffer_minutes)
        if buffer and not any(h.starts_at < until - buffer and h.holds_until - buffer > starts_at for h in crossing):
            return too_close(resource.buffer_minutes)
        return already_booked()
    in_use = peak_units(crossing, starts_at, until)
    if in_use + quantity > resource.units:
        return not_enough_units(max(resource.units - in_use, 0), quantity)
    return None


def free_units(resource: Resource, starts_at: datetime, ends_at: datetime, exclude: Iterable[int] = ()) -> int:
    """How many units of the resource are free during the whole period (0 or 1 for a space or a machine)."""
    holds = holds_over([resource.id], starts_at, ends_at, exclude)
    return max(resource.units - peak_units(holds, starts_at, ends_at), 0)


@dataclass(frozen=True)
class FreeResource:
    resource: Resource
    free_units: int


@dataclass(frozen=True)
class PeriodReads:
    """What :func:`free_resources_and_reads` read about its resources over one period, so that the
    checks of its results (``rules.check_bookings``) use it again instead of reading it twice: the
    venues' closures and holidays, the machines' and kits' outages, each resource's opening hours,
    and the holds of the resources left after the calendar, up to ``held_until``."""

    starts_at: datetime
    ends_at: datetime
    venue_ids: frozenset[int]  # the venues whose closures were read
    closures: list[ClosedPeriod]
    outages: list[ResourceOutage]
    hours: dict[int, list[Hours]]  # by resource id
    held_ids: frozenset[int]  # the resources whose holds were read
    held_until: datetime  # the holds were read over ``[starts_at, held_until)``
    holds: list[Hold]

    def covers(self, resources: Sequence[Resource], starts_at: datetime, ends_at: datetime, until: datetime) -> bool:
        """Whether these reads hold everything a check of these resources over this period needs."""
        return (
            self.starts_at == starts_at
            and self.ends_at == ends_at
            and until <= self.held_until
            and all(r.id in self.held_ids and r.id in self.hours and r.venue_id in self.venue_ids for r in resources)
        )


def free_resources(
    kind: ResourceKind | None,
    starts_at: datetime,
    ends_at: datetime,
    *,
    quantity: int = 1,
    venue_ids: Iterable[int] | None = None,
    respect_calendar: bool = True,
) -> list[FreeResource]:
    """The active resources of a kind (of every kind for None), across all venues, that could be
    booked over the period (``quantity``: the units of a kit; spaces and machines hold their slot alone).

    Free means: the venue is open (opening hours, no closure in force) when
    ``respect_calendar`` is set, and nothing holds the slot, buffers included (for
    a kit: at least ``quantity`` units free at the busiest instant), and no machine or kit is out of
    service. Four queries whatever the number of resources or bookings (five for machines and kits:
    their outages).
    """
    return free_resources_and_reads(
        kind, starts_at, ends_at, quantity=quantity, venue_ids=venue_ids, respect_calendar=respect_calendar
    )[0]


def free_resources_and_reads(
    kind: ResourceKind | None,
    starts_at: datetime,
    ends_at: datetime,
    *,
    quantity: int = 1,
    venue_ids: Iterable[int] | None = None,
    respect_calendar: bool = True,
) -> tuple[list[FreeResource], PeriodReads | None]:
    """:func:`free_resources`, and what it read to find them (None without the calendar, or when no
    resource was left to read the holds of): the checks of the results need the same."""
    query = queries.active_resources(kind is not None, venue_ids is not None)
    params = {"kind": kind, "venue_ids": list(venue_ids or ())}
    resources = [r for r in db.session.scalars(query, params) if r.is_exclusive or r.units >= quantity]
    calendar = None
    if respect_calendar and resources:
        venues = frozenset(r.venue_id for r in resources)
        closures = closures_over(venues, starts_at, ends_at)
        outages = outages_over(resources, starts_at, ends_at)
        out_of_service = {outage.resource_id for outage in outages}
        hours = hours_for(resources)
        calendar = (venues, closures, outages, hours)
        resources = [
            r
            for r in resources
            if r.id not in out_of_service
            and not calendar_reasons(
                r, hours[r.id], starts_at, ends_at, [c for c in closures if c.venue_id == r.venue_id]
            )
        ]
    if not resources:
        return [], None
    longest_buffer = max(r.buffer_minutes for r in resources)
    read_until = ends_at + timedelta(minutes=longest_buffer)
    holds = holds_over([r.id for r in resources], starts_at, read_until)
    by_resource: dict[int, list[Hold]] = {}
    for hold in holds:
        by_resource.setdefault(hold.resource_id, []).append(hold)
    free: list[FreeResource] = []
    for resource in resources:
        own = by_resource.get(resource.id, [])
        until = held_until(resource, ends_at)
        if availability_reason(resource, starts_at, until, quantity, holds=own) is None:
            free.append(FreeResource(resource, resource.units - peak_units(own, starts_at, until)))
    if calendar is None:
        return free, None
    venues, closures, outages, hours = calendar
    reads = PeriodReads(
        starts_at,
        ends_at,
        venues,
        closures,
        outages,
        hours,
        frozenset(r.id for r in resources),
        read_until,
        holds,
    )
    return free, reads
