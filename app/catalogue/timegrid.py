"""Placing blocks on a time grid, shared by the resource's week (``catalogue/_calendar.html``: a
table, rows are times, columns days) and the managers' planning (``app.desk.grid``: a track per
resource, columns are times). Plain values, no request and no query.

An ``Axis`` is a day's wall-clock time in Paris from ``first`` (minutes after midnight) in steps of
``unit`` minutes; ``place`` gives the first step (1-based) and the steps spanned of a period, by its
wall-clock minutes, so that the two daylight-saving days need nothing special: in March the 2:00
step exists on the axis but no cell is open in it, in October it holds two real hours.

``week_grid`` lays out the week's cells (``calendar.build_days``, its rows and their blocks,
unchanged: what is free is what the engine says) on such an axis in finer rows ("sub-rows") when
the resource's granularity or buffer need them, and adds, each at its exact minutes:

- the bookings (``booking``, or ``mine`` for the viewer's own) and the buffers before and after each
  approved booking (``buffer``), drawn under the words of the busy, own or buffer cell they lie in;
- the pending requests (``pending``): a request blocks nobody (the cells under it stay free, each
  its own target), so it is a block of its own over them, saying only "Demande en attente" (or
  "Votre demande" to its requester: no other member's name or purpose), in the table cell where it
  begins, so that screen readers read it there, from when to when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import gcd
from typing import Any

from app.catalogue.calendar import CellState  # (calendar.load_week reads this module in its call)
from app.core.clock import PARIS

MIN_UNIT = 15  # minutes: the finest step of the planning's axis (its columns)
WEEK_MIN_UNIT = 5  # minutes: the finest sub-row of the week (rows are what the page may hold)
DAY_MINUTES = 24 * 60
MAX_ROWS = 97  # app.css places grid rows up to gr-100 (the caption and the days' heads take two)
MAX_SUB_ROWS = 16  # sub-rows in a row at most (app.css: sub-1…sub-16)
DRAWN = (CellState.BUSY, CellState.MINE, CellState.BUFFER)  # the cells whose bookings and buffers are drawn


@dataclass
class Axis:
    """A day's time axis: columns of ``unit`` minutes from ``first`` (minutes after midnight)."""

    day: date
    first: int
    unit: int
    columns: int

    def __post_init__(self) -> None:
        # On a day without a clock change, a moment's wall-clock minute is its distance from midnight.
        self._midnight = datetime.combine(self.day, time(0), PARIS).astimezone(UTC)
        following = datetime.combine(self.day + timedelta(days=1), time(0), PARIS).astimezone(UTC)
        self._uniform = following - self._midnight == timedelta(days=1)

    def minute_of(self, moment: datetime) -> int:
        """The wall-clock minute of ``moment`` on this day (0 before it, 1440 after it)."""
        if self._uniform:
            return min(max(int((moment - self._midnight).total_seconds() // 60), 0), DAY_MINUTES)
        local = moment.astimezone(PARIS)
        if local.date() < self.day:
            return 0
        if local.date() > self.day:
            return DAY_MINUTES
        return local.hour * 60 + local.minute

    def place(self, starts_at: datetime, ends_at: datetime) -> tuple[int, int] | None:
        """(column, span) of ``[starts_at, ends_at)`` clipped to the axis, or None outside it."""
        start = max(self.minute_of(starts_at) - self.first, 0)
        end = min(self.minute_of(ends_at) - self.first, self.columns * self.unit)
        if ends_at > starts_at and end <= start:  # the autumn's repeated hour: at least one column
            end = min(start + self.unit, self.columns * self.unit)
        if end <= start:
            return None
        column = start // self.unit
        last = -(-end // self.unit)
        return column + 1, max(last - column, 1)

    def hours(self) -> list[tuple[time, int, int]]:
        """(the hour, its column, its span) of each hour label of the axis."""
        labels = []
        minute = -(-self.first // 60) * 60
        end = self.first + self.columns * self.unit
        while minute < end:
            column = (minute - self.first) // self.unit + 1
            labels.append((time(minute // 60), column, max(min(60, end - minute) // self.unit, 1)))
            minute += 60
        return labels


@dataclass(slots=True)
class Band:
    """A period drawn at its exact place in a day's column: ``row`` its first sub-row (1-based on
    the axis), ``span`` the sub-rows it covers."""

    kind: str  # booking, mine, buffer or pending
    row: int
    span: int
    starts_at: datetime  # UTC
    ends_at: datetime
    mine: bool = False  # a pending request: the viewer's own
    place: str = ""  # its classes in the week's grid (gc- gr- gh-)


@dataclass(eq=False, slots=True)
class WeekCell:
    """One cell of the week's table (a block of ``span`` rows from row ``row``, 0-based) and what
    is drawn in it at its exact minutes; ``when`` the period its words give (None: its rows')."""

    cell: Any  # calendar.Cell
    column: int  # the day's index in the week
    row: int
    span: int
    ends_at: datetime  # the end of its last row (UTC)
    place: str = ""  # its classes in the week's grid (gc- gr- gh-)
    bands: list[Band] = field(default_factory=list)
    pending: list[Band] = field(default_factory=list)
    when: tuple[datetime, datetime] | None = None
    layered: bool = False  # it has parts of its own (bands, pending requests)


@dataclass
class WeekGrid:
    """The week's cells by row and column (None: a row inside the block above), on rows of
    ``per_row`` sub-rows; ``fits`` when the grid has classes enough to be laid out."""

    per_row: int
    rows: int
    cells: list[list[WeekCell | None]]
    rows_html: list[str] = field(default_factory=list)  # each row's table cells (``week_words.put_cells``)

    @property
    def fits(self) -> bool:
        return self.rows <= MAX_ROWS


def sub_unit(step: int, *minutes: int) -> int:
    """The sub-row's length for rows of ``step`` minutes: the coarsest that still places periods of
    ``minutes`` (the granularity, the buffer) exactly, a divisor of the step, no finer than
    ``WEEK_MIN_UNIT`` nor more than ``MAX_SUB_ROWS`` a row (else periods are rounded to it)."""
    fine = gcd(step, *[m for m in minutes if m > 0])
    for unit in range(fine, step + 1, fine):
        if step % unit == 0 and unit >= min(WEEK_MIN_UNIT, step) and step // unit <= MAX_SUB_ROWS:
            return unit
    return step


def week_grid(
    resource: Any, times: Sequence[time], step: int, columns: Sequence[Any], bookings: Sequence[Any], viewer: Any
) -> WeekGrid:
    """Lay out the week's ``columns`` (``calendar.DayColumn``) of rows ``times`` of ``step`` minutes,
    with the ``bookings`` (``calendar.BookedSlot``) at their exact minutes as ``viewer`` may see them."""
    unit = sub_unit(step, resource.slot_minutes, resource.buffer_minutes)
    per_row = step // unit
    while len(times) * per_row > MAX_ROWS and per_row > 1:
        unit = sub_unit(step, unit * 2)
        per_row = step // unit
    first = times[0].hour * 60 + times[0].minute if times else 0
    grid: list[list[WeekCell | None]] = [[None] * len(columns) for _ in times]
    buffer = timedelta(minutes=resource.buffer_minutes)
    periods: list[tuple[str, datetime, datetime, bool]] = []
    for slot in bookings:
        mine = viewer.user_id is not None and slot.requester_id == viewer.user_id
        if slot.holds:
            periods.append(("mine" if mine else "booking", slot.starts_at, slot.ends_at, mine))
            if buffer:
                periods.append(("buffer", slot.starts_at - buffer, slot.starts_at, mine))
                periods.append(("buffer", slot.ends_at, slot.holds_until, mine))
        elif mine and resource.is_exclusive:
            periods.append(("mine", slot.starts_at, slot.ends_at, mine))  # its cells are the viewer's own
        else:
            periods.append(("pending", slot.starts_at, slot.ends_at, mine))
    periods.sort(key=lambda period: period[1])
    for index, column in enumerate(columns):
        if not column.cells:
            continue
        axis = Axis(column.day, first, unit, len(times) * per_row)
        owner: list[WeekCell] = []  # the block each row belongs to
        for row, span in enumerate(column.spans):
            if span:
                block = WeekCell(column.cells[row], index, row, span, column.cells[row + span - 1].ends_at)
                block.place = f"gc-{index + 2} gr-{row * per_row + 3} gh-{span * per_row}"
                grid[row][index] = block
            owner.append(block)
        day_start, day_end = column.cells[0].starts_at, column.cells[-1].ends_at
        for kind, starts_at, ends_at, mine in periods:
            if starts_at >= day_end:
                break  # (in order of their start)
            if ends_at <= day_start:
                continue
            where = axis.place(starts_at, ends_at)
            if where is None:
                continue
            if kind == "pending":  # in the cell where it begins
                band = Band(kind, *where, starts_at, ends_at, mine, f"gc-{index + 2} gr-{where[0] + 2} gh-{where[1]}")
                owner[(where[0] - 1) // per_row].pending.append(band)
                continue
            last = min((where[0] + where[1] - 2) // per_row, len(owner) - 1)
            for block in dict.fromkeys(owner[(where[0] - 1) // per_row : last + 1]):
                if block.cell.state not in DRAWN:
                    continue
                piece = max(starts_at, block.cell.starts_at), min(ends_at, block.ends_at)
                placed = axis.place(*piece) if piece[0] < piece[1] else None
                if placed is not None:
                    place = f"gc-{index + 2} gr-{placed[0] + 2} gh-{placed[1]}"
                    block.bands.append(Band(kind, *placed, *piece, mine, place))
        for block in dict.fromkeys(owner):
            block.layered = bool(block.bands or block.pending)
            own = [b for b in block.bands if (b.kind == "buffer") == (block.cell.state == CellState.BUFFER)]
            if own:
                when = min(b.starts_at for b in own), max(b.ends_at for b in own)
                if block.span > 1 or when != (block.cell.starts_at, block.ends_at):
                    block.when = when
            elif block.span > 1:
                block.when = block.cell.starts_at, block.ends_at
    return WeekGrid(per_row, len(times) * per_row, grid)
