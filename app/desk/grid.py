"""The planning as a time grid: for each day and each resource, a track of blocks placed on a common
time axis (columns), computed here as plain values (no request, no query).

The axis of a day runs on Paris wall-clock time from the earliest opening to the latest closing of
the venue's resources (their own hours, else the venue's), in columns of ``unit`` minutes: the
greatest common divisor of the resources' row steps (the calendar's, ``row_minutes``) and buffers,
no finer than a quarter of an hour (there are so many column classes in ``app.css``: at most 96).
On the two daylight-saving days nothing special is needed: the 2:00 column does not exist in
March (no cell, a closed one) and lasts two real hours in October, as in the resource's calendar.

A track holds, each as one block spanning its real duration (clipped to the axis):

- the bookings (approved, handed over, returned) and the pending requests, each with its link;
- the buffers before and after each approved booking (the resource's buffer setting): the time
  no other booking may take;
- the closed times (outside opening hours, a closure, a public holiday) and the outages;
- the times already past, and those within the notice or beyond the horizon (not bookable);
- the free slots at the resource's granularity, each a link to the booking form with that slot
  (what the resource's calendar offers: the same engine, ``app.catalogue.calendar.build_days``).

Blocks that overlap (a pending request over a free slot, two kits' loans) are laid out by the
browser on lanes of their own (``grid-auto-flow: dense``); screen readers read each track as a
list in time order, each item saying what it is, from when to when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import gcd
from typing import Any

from app.catalogue.calendar import BookedSlot, CellState, Viewer, build_days, row_minutes, row_times

# The axis and its placement are the resource's week's too (app.catalogue.timegrid); app.css has
# pc-1…pc-97, pw-1…pw-97 and cols-1…cols-96 for the planning's columns.
from app.catalogue.timegrid import DAY_MINUTES, MIN_UNIT, Axis
from app.core.clock import paris_to_utc
from app.models import HOLDING_STATUSES, Booking, BookingStatus, Resource


@dataclass
class Block:
    """One item of a track: ``kind`` is booking, pending, buffer, closed, out_of_service, past,
    out_of_range or free;
    ``column`` (1-based) and ``span`` its place on the axis."""

    kind: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    column: int = 1
    span: int = 1
    booking: Booking | None = None
    book_until: datetime | None = None  # a free slot: the end offered
    free_units: int | None = None
    after: bool = True  # a buffer: after its booking (else before it)
    reasons: list[str] = field(default_factory=list)  # closed or out of service: why, in words


def axis_for(
    day: date, resources: Sequence[Resource], hours: dict[int, list[Any]], bookings: Sequence[Booking] = ()
) -> Axis:
    """The day's axis over every resource's rows and every booking crossing the day, even outside the
    opening hours (an empty venue: 8:00-20:00 by the hour)."""
    unit, starts, ends = 0, [], []
    bare = Axis(day, 0, 1, DAY_MINUTES)
    day_start = paris_to_utc(day, time(0))
    day_end = paris_to_utc(day + timedelta(days=1), time(0))
    for booking in bookings:
        if booking.starts_at < day_end and booking.ends_at > day_start:
            starts.append(bare.minute_of(booking.starts_at))
            ends.append(max(bare.minute_of(booking.ends_at), starts[-1] + 1))
    for resource in resources:
        step = row_minutes(resource, hours[resource.id])
        times = row_times(hours[resource.id], step)
        unit = gcd(unit, step, resource.buffer_minutes)
        if times:
            starts.append(times[0].hour * 60 + times[0].minute)
            ends.append(times[-1].hour * 60 + times[-1].minute + step)
    unit = max(unit or 60, MIN_UNIT)
    first = min(starts, default=8 * 60) // unit * unit
    end = min(max(ends, default=20 * 60), DAY_MINUTES)
    return Axis(day, first, unit, max(-(-(end - first) // unit), 1))


def booked_slot(booking: Booking) -> BookedSlot:
    return BookedSlot(
        booking.id,
        booking.requester_id,
        "",
        "",
        booking.status,
        booking.starts_at,
        booking.ends_at,
        booking.holds_until,
        booking.quantity,
    )


def _runs(cells: Iterable[Any], state: CellState | None) -> list[tuple[datetime, datetime]]:
    """The periods of consecutive cells in ``state`` (None: every state but closed)."""
    runs: list[tuple[datetime, datetime]] = []
    for cell in cells:
        if cell.state != state if state is not None else cell.state == CellState.CLOSED:
            continue
        if runs and runs[-1][1] == cell.starts_at:
            runs[-1] = (runs[-1][0], cell.ends_at)
        else:
            runs.append((cell.starts_at, cell.ends_at))
    return runs


def _within(
    starts_at: datetime, ends_at: datetime, runs: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of ``[starts_at, ends_at)`` within the runs (a buffer is drawn where the resource is open)."""
    return [(max(starts_at, start), min(ends_at, end)) for start, end in runs if start < ends_at and end > starts_at]


def _words(period: Any) -> str:
    if getattr(period, "holiday", None):
        return str(period.holiday)
    return getattr(period, "reason", "") or ""


def tracks(
    resource: Resource,
    days: Sequence[date],
    axes: dict[date, Axis],
    hours_rows: list[Any],
    closures: Sequence[Any],
    outages: Sequence[Any],
    bookings: Sequence[Booking],
    now: datetime,
) -> dict[date, list[Block]]:
    """Each day's blocks of one resource, in time order (free slots after what starts with them)."""
    own = [b for b in bookings if b.resource_id == resource.id]
    _, columns = build_days(
        resource, days, hours_rows, closures, [booked_slot(b) for b in own], now, Viewer(staff=True), outages
    )
    buffer = timedelta(minutes=resource.buffer_minutes)
    down = [o for o in outages if o.resource_id == resource.id]
    result = {}
    for column in columns:
        axis = axes[column.day]
        open_runs = _runs(column.cells, None)
        blocks: list[Block] = []
        for booking in own:
            kind = "pending" if booking.status == BookingStatus.REQUESTED else "booking"
            blocks.append(Block(kind, booking.starts_at, booking.ends_at, booking=booking))
            if buffer and booking.status in HOLDING_STATUSES:
                for starts_at, ends_at, after in (
                    (booking.starts_at - buffer, booking.starts_at, False),
                    (booking.ends_at, booking.holds_until, True),
                ):
                    for piece in _within(starts_at, ends_at, open_runs):
                        blocks.append(Block("buffer", *piece, booking=booking, after=after))
        for starts_at, ends_at in _runs(column.cells, CellState.CLOSED):
            why = [_words(c) for c in closures if c.starts_at < ends_at and c.ends_at > starts_at]
            blocks.append(Block("closed", starts_at, ends_at, reasons=[w for w in dict.fromkeys(why) if w]))
        for starts_at, ends_at in _runs(column.cells, CellState.OUT_OF_SERVICE):
            why = [o.reason or "" for o in down if o.starts_at < ends_at and o.ends_at > starts_at]
            blocks.append(Block("out_of_service", starts_at, ends_at, reasons=[w for w in dict.fromkeys(why) if w]))
        for state, kind in ((CellState.PAST, "past"), (CellState.OUT_OF_RANGE, "out_of_range")):
            for starts_at, ends_at in _runs(column.cells, state):
                blocks.append(Block(kind, starts_at, ends_at))
        for cell in column.cells:
            if cell.state == CellState.FREE:
                blocks.append(
                    Block("free", cell.starts_at, cell.ends_at, book_until=cell.book_until, free_units=cell.free_units)
                )
        placed = []
        day_start = paris_to_utc(column.day, time(0))
        day_end = paris_to_utc(column.day + timedelta(days=1), time(0))
        for block in blocks:
            if block.starts_at >= day_end or block.ends_at <= day_start:
                continue
            where = axis.place(block.starts_at, block.ends_at)
            if where is not None:
                block.column, block.span = where
                placed.append(block)
        placed.sort(key=lambda b: (b.column, b.kind == "free", b.starts_at))
        result[column.day] = placed
    return result
