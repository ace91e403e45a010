"""What the cells of the week say, in the reader's language, worked out once per page in Python
rather than cell by cell in the template (``catalogue/_calendar.html``). No request here: the
messages' translations and the words for days and times are given.

A week shows a hundred cells or so. In Jinja each message of a cell is a call (the message looked up,
made Markup, its values escaped), each day and time another, each link another: about ten a cell,
most of the page's time. Here each message is translated once for the page, each day and time said
once, and a cell's words are only the message's values put in place. The markup is the same as the
template's own ``_()`` gives (``Markup(message) % values``: the values escaped), so the page does not
change by a character.

For each row of ``timegrid.WeekGrid``, its table cells (``put_cells``), as Markup: each block's
``<td>``, placed by its classes, a layered one with its bands (the bookings and buffers at their exact
minutes) and the pending requests that begin in it, and what the block says:

- a free cell: the link to the booking form for its period, what it shows (« Libre », « 3 libres »)
  and what it says to screen readers (« Réserver mardi 8 décembre de 10 h à 11 h », a kit's free
  units), a request of someone else over it, the bookings in it as the viewer may see them;
- any other: its state (« Occupé », « Votre réservation », « Battement »…), for the venue's staff
  who holds it;
- then, when its words give its period (``when``): « 10 h à 11 h 30 », the days said when it begins
  or ends on another day; a pending request says its own.

The template keeps the table around them (its caption, heads, rows' times).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from markupsafe import Markup, escape

from app.catalogue.calendar import CellState
from app.catalogue.links import booking_query, form_address
from app.core.clock import PARIS


class WeekWords:
    """The page's messages translated once (``gettext``, ``ngettext``: the reader's catalogue), and
    its days and times said once each (``day_label``, ``clock``), escaped once: a message's values
    are put in place with ``%`` on the translated text, which is then Markup, as the template's own
    ``_()`` would have made it."""

    def __init__(
        self,
        gettext: Callable[[str], str],
        ngettext: Callable[[str, str, int], str],
        day_label: Callable[[date], str],
        clock: Callable[[time], str],
        french: Callable[[str], str],
    ) -> None:
        self.free = Markup(gettext("Libre"))
        self.pending = Markup(gettext("demande en attente"))
        self.you = Markup(gettext("vous"))
        self.waiting = Markup(gettext("en attente"))
        self.states = {
            CellState.PAST: Markup(gettext("Passé")),
            CellState.OUT_OF_RANGE: Markup(gettext("Non réservable")),
            CellState.OUT_OF_SERVICE: Markup(gettext("Hors service")),
            CellState.CLOSED: Markup(gettext("Fermé")),
            CellState.BUFFER: Markup(gettext("Battement")),
        }
        self.yours = Markup(gettext("Votre réservation"))
        self.your_request = Markup(gettext("Votre demande en attente"))
        self.request = Markup(gettext("Demande en attente"))
        self.full = Markup(gettext("Complet"))
        self.busy = Markup(gettext("Occupé"))
        self._buffer_message = gettext("%(num)d min avant ou après une réservation")
        self.book_same_day = str(Markup(gettext("Réserver %(day)s de %(start)s à %(end)s")))
        self.book_over_days = str(Markup(gettext("Réserver du %(day)s %(start)s au %(end_day)s %(end)s")))
        self.period = str(Markup(gettext("%(start)s à %(end)s")))
        self._ngettext = ngettext
        self._day_label = day_label
        self._clock = clock
        self._french = french
        self._counts: dict[tuple[str, int], Markup] = {}
        self._days: dict[date, str] = {}
        self._times: dict[time, str] = {}

    def day(self, day: date) -> str:
        """The day's words, escaped."""
        if day not in self._days:
            self._days[day] = str(escape(self._day_label(day)))
        return self._days[day]

    def time(self, at: time) -> str:
        """The time's words, escaped."""
        if at not in self._times:
            self._times[at] = str(escape(self._clock(at)))
        return self._times[at]

    def units_free(self, count: int) -> Markup:
        """« 3 libres »: what a kit's free cell shows."""
        return self._count("shown", count, lambda n: self._ngettext("%(num)d libre", "%(num)d libres", n))

    def units_free_spoken(self, count: int) -> Markup:
        """« 3 unités libres »: what it says to a screen reader."""
        return self._count("spoken", count, lambda n: self._ngettext("%(num)d unité libre", "%(num)d unités libres", n))

    def units(self, count: int) -> Markup:
        """« 2 unités »: a kit's booking."""
        return self._count("units", count, lambda n: self._ngettext("%(num)d unité", "%(num)d unités", n))

    def buffer(self, minutes: int) -> Markup:
        """« 15 min avant ou après une réservation »."""
        return Markup(self._buffer_message) % {"num": minutes}

    def text(self, words: str) -> Markup:
        """Words written in French by people (a name, a purpose), marked so on a page in another language."""
        return escape(self._french(words))

    def _count(self, which: str, count: int, message: Callable[[int], str]) -> Markup:
        key = (which, count)
        if key not in self._counts:
            self._counts[key] = Markup(message(count)) % {"num": count}
        return self._counts[key]

    def period_on(self, starts_at: datetime, ends_at: datetime, day: date) -> Markup:
        """« 10 h à 11 h 30 » for a period within ``day``; with its days when it begins or ends on another."""
        start, end = starts_at.astimezone(PARIS), ends_at.astimezone(PARIS)
        if start.date() == day and end.date() == day:
            return Markup(self.period % {"start": self.time(start.time()), "end": self.time(end.time())})
        return Markup(
            self.period
            % {
                "start": f"{self.day(start.date())} {self.time(start.time())}",
                "end": f"{self.day(end.date())} {self.time(end.time())}",
            }
        )


def put_cells(grid: Any, resource: Any, viewer: Any, words: WeekWords) -> None:
    """Write the table cells of each row of ``grid`` (``timegrid.WeekGrid``) of ``resource``'s week,
    as ``viewer`` (``calendar.Viewer``) sees it, into ``grid.rows_html`` (Markup, one a row)."""
    address = form_address(resource.id)
    kit = resource.kind == "kit"
    hidden = " visually-hidden" if grid.fits else ""
    grid.rows_html = []
    for row in grid.cells:
        cells = []
        for block in row:
            if block is None:
                continue
            cell = block.cell
            parts = _state_words(block, cell, resource, viewer, words, address, kit, hidden)
            if block.when:
                parts.append(f' <span class="when">{words.period_on(block.when[0], block.when[1], cell.day)}</span>')
            cells.append(_table_cell(block, cell.state.value, "".join(parts), words))
        grid.rows_html.append(Markup("".join(cells)))


def _table_cell(block: Any, state: str, says: str, words: WeekWords) -> str:
    """A block's ``<td>``: laid out by its classes; a layered one holds its bands (bookings and buffers at
    their exact minutes, under its words in a box) and the pending requests that begin in it."""
    rows = f' rowspan="{block.span}"' if block.span > 1 else ""
    if not block.layered:
        return f'\n              <td class="slot {state} {block.place}"{rows}>{says}</td>'
    bands = "".join(f'<span class="band {band.kind} {band.place}" aria-hidden="true"></span>' for band in block.bands)
    requests = "".join(
        f'<span class="band pending {band.place}"><span>{words.your_request if band.mine else words.request}'
        f' <span class="when">{words.period_on(band.starts_at, band.ends_at, block.cell.day)}</span></span></span>'
        for band in block.pending
    )
    return (
        f'\n              <td class="slot {state} layered"{rows}>{bands}'
        f'<span class="box slot {state} {block.place}">{says}</span>{requests}</td>'
    )


def _state_words(
    block: Any, cell: Any, resource: Any, viewer: Any, words: WeekWords, address: str, kit: bool, hidden: str
) -> list[str]:
    state = cell.state
    pending = (
        [f' <span class="pending{hidden}">{words.pending}</span>']
        if cell.pending and not (block.pending and hidden)
        else []
    )
    if state == CellState.FREE:
        return [_free_link(cell, address, words), *pending, *_occupants(cell, viewer, words, kit)]
    if state == CellState.MINE:
        held = any(o.mine and not o.pending for o in cell.occupants)
        return [words.yours if held else words.your_request, *_staff_sees(cell, viewer, words, kit)]
    if state == CellState.BUSY:
        return [words.full if kit else words.busy, *_staff_sees(cell, viewer, words, kit)]
    if state == CellState.BUFFER:
        why = f' <span class="who{hidden}">{words.buffer(resource.buffer_minutes)}</span>'
        return [words.states[state], why, *pending]
    return [words.states.get(state, words.states[CellState.CLOSED])]


def _staff_sees(cell: Any, viewer: Any, words: WeekWords, kit: bool) -> list[str]:
    return [" ", *_occupants(cell, viewer, words, kit)] if viewer.staff else []


def _occupants(cell: Any, viewer: Any, words: WeekWords, kit: bool) -> list[str]:
    """The bookings in a cell, as much as the viewer may see (``calendar.Occupant``)."""
    parts = []
    for o in cell.occupants:
        if not (viewer.staff or o.mine or not o.pending) or not o.name:
            continue
        who = [words.you if o.mine else escape(o.name)]
        if o.purpose:
            who.append(f" — {words.text(o.purpose)}")
        if kit:
            who.append(f" ({words.units(o.quantity)})")
        if o.pending:
            who.append(f" · {words.waiting}")
        parts.append(f'<span class="who">{"".join(who)}</span>')
    return parts


def _free_link(cell: Any, address: str, words: WeekWords) -> str:
    end = cell.book_until.astimezone(PARIS)
    link = f"{address}?{booking_query(cell.starts_at, cell.book_until)}"
    values = {"day": words.day(cell.day), "start": words.time(cell.at), "end": words.time(end.time())}
    if end.date() == cell.day:
        spoken = words.book_same_day % values
    else:
        spoken = words.book_over_days % {**values, "end_day": words.day(end.date())}
    if cell.free_units is None:
        shown = words.free
    else:
        shown = words.units_free(cell.free_units)
        spoken = f"{spoken} ({words.units_free_spoken(cell.free_units)})"
    return f'<a href="{escape(link)}"><span aria-hidden="true">{shown}</span><span class="visually-hidden">{spoken}</span></a>'
