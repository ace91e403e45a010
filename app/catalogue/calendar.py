"""Which slots of a resource are free, busy or closed, day by day, in Europe/Paris. No request here.

The calendar of the resource page is a grid: one column per Paris day, one row per
wall-clock time from the earliest opening to the latest closing of the resource's
hours (its own, else its venue's). A row lasts an hour when the resource's booking
granularity divides an hour and its hours fall on the hour, else one granularity
step (a resource booked by half-days shows half-day rows). Each cell is computed from real UTC moments built
from the Paris date and time, so the two daylight-saving weeks need nothing special:
on the last Sunday of March the 2:00 row does not exist (the cell is closed), on the
last Sunday of October it lasts two real hours.

A cell that no booking crosses but that a booking's buffer leaves no room in (the buffer
after a booking, or before the next one: a booking from the cell plus its own buffer would
reach it) is a buffer ("battement"), shown as such rather than as "occupé".

What holds a slot follows the booking engine (``app/bookings/availability.py``):
approved and handed-over bookings hold ``[starts_at, holds_until)`` (the buffer
included); a pending request does not block anyone, it is only shown. A cell is free
when a booking over the whole cell, plus the resource's buffer, would collide with
nothing; for a kit, when at least one unit is free at its busiest instant.

Who sees what: a venue's managers and coordinators see the name and purpose of each
booking; a member sees their own bookings as theirs and others' as "occupé"; an
anonymous visitor sees "occupé".

``load_calendar`` reads what a period needs in three queries (opening hours,
closures, the period's bookings); ``build_days`` is a pure function of those values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select

from app.bookings.availability import Hold, peak_units
from app.bookings.hours import closures_over, hours_for, intervals_on, within_hours
from app.bookings.outages import outages_over
from app.core.clock import paris_to_utc, within_reach
from app.extensions import db
from app.models import HOLDING_STATUSES, Booking, BookingStatus, Resource, User

SHOWN_STATUSES = (BookingStatus.REQUESTED, *HOLDING_STATUSES)


class CellState(enum.StrEnum):
    FREE = "free"  # bookable: a link to the booking form
    BUSY = "busy"  # held by someone else (or, for a kit, every unit out)
    BUFFER = "buffer"  # no booking in it, but a booking's buffer (before or after it) leaves no room
    MINE = "mine"  # the viewer's own booking or request
    CLOSED = "closed"  # outside opening hours, a closure, or a wall-clock time that does not exist
    OUT_OF_SERVICE = "out_of_service"  # a machine or a kit out of service (maintenance, breakdown)
    PAST = "past"  # already begun
    OUT_OF_RANGE = "out_of_range"  # within the notice period or beyond the booking horizon


@dataclass(frozen=True)
class BookedSlot:
    """A booking as the calendar needs it (plain values)."""

    booking_id: int
    requester_id: int
    requester_name: str
    purpose: str
    status: BookingStatus
    starts_at: datetime
    ends_at: datetime
    holds_until: datetime
    quantity: int = 1

    @property
    def holds(self) -> bool:
        return self.status in HOLDING_STATUSES


@dataclass(frozen=True)
class Viewer:
    """Who looks at the calendar: ``user_id`` None for an anonymous visitor; ``staff`` for the venue's
    managers and coordinators."""

    user_id: int | None = None
    staff: bool = False


@dataclass(frozen=True)
class Occupant:
    """One booking in a cell, as much as the viewer may see: ``name`` and ``purpose`` are empty unless
    the viewer is staff or the booker."""

    mine: bool
    pending: bool
    name: str = ""
    purpose: str = ""
    quantity: int = 1


@dataclass
class Cell:
    day: date
    at: time  # the row's wall-clock time
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    state: CellState
    free_units: int | None = None  # kits: units free over the whole cell
    pending: bool = False  # a pending request of someone else crosses the cell (it does not block)
    occupants: list[Occupant] = field(default_factory=list)
    book_until: datetime | None = None  # the end proposed when booking from this cell

    @property
    def bookable(self) -> bool:
        return self.state == CellState.FREE


@dataclass
class DayColumn:
    day: date
    cells: list[Cell]

    @property
    def open_cells(self) -> int:
        return sum(1 for cell in self.cells if cell.state != CellState.CLOSED)

    @property
    def free_cells(self) -> int:
        return sum(1 for cell in self.cells if cell.state == CellState.FREE)

    @property
    def spans(self) -> list[int]:
        """For each row, how many rows its cell spans: the cells that follow one another with the
        same state and the same bookings make one block as long as their real duration (a booking of
        three hours is one block three rows high); 0 for a row inside the block above. Free cells
        stay one row each: each is a target at the row's granularity."""
        spans = [1] * len(self.cells)
        start = 0
        for index in range(1, len(self.cells)):
            if _continues(self.cells[index - 1], self.cells[index]):
                spans[start] += 1
                spans[index] = 0
            else:
                start = index
        return spans


def _continues(before: Cell, cell: Cell) -> bool:
    return (
        cell.state != CellState.FREE
        and cell.state == before.state
        and cell.starts_at == before.ends_at
        and cell.occupants == before.occupants
        and cell.pending == before.pending
        and cell.free_units == before.free_units
    )


def row_minutes(resource: Resource, rows: Iterable[Any] = ()) -> int:
    """How long a row of the calendar lasts: an hour when the granularity divides it and the opening
    hours fall on the hour, else one granularity step (so that 9:30-12:30 shows 9:30, 10:00…)."""
    slot = max(resource.slot_minutes, 1)
    on_the_hour = all(row.opens.minute == 0 and row.closes.minute in (0, 59) for row in rows)
    return 60 if 60 % slot == 0 and on_the_hour else slot


def row_times(rows: Iterable[Any], step: int) -> list[time]:
    """The rows' wall-clock times: from the earliest opening (rounded down to the step, counted from
    midnight) to the latest closing, over every weekday."""
    starts, ends = [], []
    for weekday in range(7):
        for opens, closes in intervals_on(rows, weekday):
            starts.append(opens.hour * 60 + opens.minute)
            ends.append(24 * 60 if closes is None else closes.hour * 60 + closes.minute)
    if not starts:
        return []
    first = min(starts) // step * step
    return [time(minute // 60, minute % 60) for minute in range(first, max(ends), step)]


def _wall_end(day: date, at: time, step: int) -> tuple[date, time]:
    minutes = at.hour * 60 + at.minute + step
    return day + timedelta(days=minutes // (24 * 60)), time((minutes // 60) % 24, minutes % 60)


def _proposed_minutes(resource: Resource, step: int) -> int:
    """How long a booking from a cell is offered: one row, or the minimum duration if longer (on the
    grid), never beyond the maximum duration."""
    minutes = max(step, resource.min_duration_minutes)
    slot = max(resource.slot_minutes, 1)
    minutes = -(-minutes // slot) * slot
    if resource.max_duration_minutes is not None:
        minutes = min(minutes, resource.max_duration_minutes)
    return minutes


def _occupant(booking: BookedSlot, viewer: Viewer) -> Occupant:
    mine = viewer.user_id is not None and booking.requester_id == viewer.user_id
    pending = not booking.holds
    if viewer.staff or mine:
        return Occupant(mine, pending, booking.requester_name, booking.purpose, booking.quantity)
    return Occupant(mine, pending, quantity=booking.quantity)


def build_days(
    resource: Resource,
    days: Sequence[date],
    hours_rows: list[Any],
    closures: Iterable[Any],
    bookings: Iterable[BookedSlot],
    now: datetime,
    viewer: Viewer,
    outages: Iterable[Any] = (),
) -> tuple[list[time], list[DayColumn]]:
    """The rows' times and, for each day, its cells (one per row time). ``outages``: the periods the
    resource is out of service (their cells say so)."""
    step = row_minutes(resource, hours_rows)
    times = row_times(hours_rows, step)
    closures = list(closures)
    outages = list(outages)
    bookings = list(bookings)
    holds = [Hold(b.booking_id, resource.id, b.starts_at, b.holds_until, b.quantity) for b in bookings if b.holds]
    buffer = timedelta(minutes=resource.buffer_minutes)
    earliest = now + timedelta(minutes=resource.notice_minutes)
    latest = now + timedelta(days=resource.horizon_days)
    by_weekday = {weekday: intervals_on(hours_rows, weekday) for weekday in range(7)}
    proposed = _proposed_minutes(resource, step)
    moments: dict[tuple[date, time], datetime] = {}  # a row's end is the next one's start

    def moment(day: date, at: time) -> datetime:
        found = moments.get((day, at))
        if found is None:
            found = moments[day, at] = paris_to_utc(day, at)
        return found

    columns = []
    for day in days:
        cells = []
        for at in times:
            starts_at = moment(day, at)
            ends_at = moment(*_wall_end(day, at, step))
            cell = Cell(day, at, starts_at, ends_at, CellState.CLOSED)
            cells.append(cell)
            if ends_at <= starts_at or not within_hours(hours_rows, starts_at, ends_at, by_weekday):
                continue  # a time that does not exist that day, or outside the opening hours
            if any(c.starts_at < ends_at and c.ends_at > starts_at for c in closures):
                continue
            if any(o.starts_at < ends_at and o.ends_at > starts_at for o in outages):
                cell.state = CellState.OUT_OF_SERVICE
                continue
            crossing = [b for b in bookings if b.starts_at < ends_at and b.ends_at > starts_at]
            cell.occupants = [_occupant(b, viewer) for b in crossing]
            cell.pending = any(o.pending and not o.mine for o in cell.occupants)
            held_until = ends_at + buffer
            blocking = [h for h in holds if h.holds_until > starts_at and h.starts_at < held_until]
            if resource.is_exclusive:
                free = not blocking
            else:
                cell.free_units = max(resource.units - peak_units(blocking, starts_at, held_until), 0)
                free = cell.free_units > 0
            if any(o.mine for o in cell.occupants) and (resource.is_exclusive or not free):
                cell.state = CellState.MINE
            elif not free and not any(b.holds for b in crossing):
                cell.state = CellState.BUFFER
            elif not free:
                cell.state = CellState.BUSY
            elif starts_at < now:
                cell.state = CellState.PAST
            elif starts_at < earliest or starts_at > latest:
                cell.state = CellState.OUT_OF_RANGE
            else:
                cell.state = CellState.FREE
                # (a free cell begins at its row's wall-clock time: no clock change falls in it)
                cell.book_until = moment(*_wall_end(day, at, proposed))
        columns.append(DayColumn(day, cells))
    return times, columns


@cache
def _shown_bookings() -> Select:
    """The bookings of ``:resource_id`` shown over ``[:starts_at, :ends_at)``, built once (a statement
    costs more to build than SQLite takes to answer it: ``app.bookings.queries``)."""
    b, u = Booking.__table__.c, User.__table__.c
    return (
        select(b.id, b.requester_id, u.name, b.purpose, b.status, b.starts_at, b.ends_at, b.holds_until, b.quantity)
        .join_from(Booking.__table__, User.__table__, u.id == b.requester_id)
        .where(
            b.resource_id == bindparam("resource_id", type_=b.resource_id.type),
            b.holds_until > bindparam("starts_at", type_=b.holds_until.type),
            b.starts_at < bindparam("ends_at", type_=b.starts_at.type),
            b.status.in_(bindparam("statuses", type_=b.status.type, expanding=True)),
        )
        .order_by(b.starts_at)
    )


def bookings_over(resource: Resource, starts_at: datetime, ends_at: datetime) -> list[BookedSlot]:
    """The bookings of the resource shown over ``[starts_at, ends_at)`` (pending and holding ones, their
    held period crossing it): one query."""
    rows = db.session.execute(
        _shown_bookings(),
        {"resource_id": resource.id, "starts_at": starts_at, "ends_at": ends_at, "statuses": list(SHOWN_STATUSES)},
    )
    return [BookedSlot(*row) for row in rows]


def _load(
    resource: Resource, days: Sequence[date], hours: list[Any] | None = None
) -> tuple[list[Any], list[Any], list[BookedSlot], list[Any]]:
    """The period's opening hours (``hours``, when the caller has read them), closures, bookings and
    outages (three queries; outages: none for a space)."""
    first = paris_to_utc(days[0], time(0))
    last = paris_to_utc(days[-1] + timedelta(days=1), time(0))
    # Cells near the end see bookings starting up to a buffer (and a row) later.
    if hours is None:
        hours = hours_for([resource])[resource.id]
    reach = last + timedelta(minutes=resource.buffer_minutes + row_minutes(resource, hours))
    closures = closures_over([resource.venue_id], first, last)
    outages = outages_over([resource], first, last)  # (no query for a space)
    return hours, closures, bookings_over(resource, first, reach), outages


def load_calendar(
    resource: Resource, days: Sequence[date], now: datetime, viewer: Viewer, hours: list[Any] | None = None
) -> tuple[list[time], list[DayColumn]]:
    """Read the period's opening hours (unless given), closures and bookings (three queries) and
    build its cells."""
    hours, closures, bookings, outages = _load(resource, days, hours)
    return build_days(resource, days, hours, closures, bookings, now, viewer, outages)


def load_week(
    resource: Resource, days: Sequence[date], now: datetime, viewer: Viewer, hours: list[Any] | None = None
) -> tuple[list[time], list[DayColumn], Any]:
    """The week's rows and its cells laid out as a time grid, the bookings at their exact minutes
    (``app.catalogue.timegrid.week_grid``), from the same three queries (``hours``: as ``_load``)."""
    from app.catalogue.timegrid import week_grid

    hours, closures, bookings, outages = _load(resource, days, hours)
    times, columns = build_days(resource, days, hours, closures, bookings, now, viewer, outages)
    return times, columns, week_grid(resource, times, row_minutes(resource, hours), columns, bookings, viewer)


# Periods named in the URL: ISO weeks (``2026-W49``) and months (``2026-12``).


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=offset) for offset in range(7)]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str | None) -> date | None:
    """The Monday of an ISO week written ``2026-W49``, or None when it cannot be read."""
    if not text or len(text) > 10:
        return None
    year, _, week = text.upper().partition("-W")
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return monday if within_reach(monday) else None


def parse_month(text: str | None) -> date | None:
    """The first day of a month written ``2026-12``, or None."""
    if not text or len(text) > 7:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return None
    return first if within_reach(first) else None


def month_days(first: date) -> list[date]:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return [first + timedelta(days=offset) for offset in range((following - first).days)]


def month_text(first: date) -> str:
    return f"{first.year}-{first.month:02d}"


def shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_weeks(first: date) -> list[list[date | None]]:
    """The month as weeks Monday to Sunday; days of the neighbouring months are None."""
    days = month_days(first)
    weeks: list[list[date | None]] = []
    week: list[date | None] = [None] * days[0].weekday()
    for day in days:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks
