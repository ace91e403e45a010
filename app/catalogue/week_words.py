"""What the cells of the week say, in the reader's language, worked out once per page in Python
rather than cell by cell in the template (``catalogue/_calendar.html``). No request here: the
messages' translations and the words for days and times are given.

A week shows a hundred cells or so. In Jinja each message of a cell is a call (the message looked up,
made Markup, its values escaped), each day and time another, each link another: about ten a cell,
most of the page's time. Here each message is translated once for the page, each day and time said
once, and a cell's words are only the message's values put in place. The markup is the same as the
template's own ``_()`` gives (``Markup(message) % values``: the values escaped), so the page does not
change by a character.

For each block of ``timegrid.WeekGrid``:

- a free cell: ``link`` (the booking form for its period), ``shown`` (« Libre », « 3 libres ») and
  ``spoken`` (for screen readers: « Réserver mardi 8 décembre de 10 h à 11 h », a kit's free units);
- a block whose words give its period (``when``), and each pending request drawn in it:
  ``when_words`` (« 10 h à 11 h 30 », the days said when it begins or ends on another day).
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
    ) -> None:
        self.free = Markup(gettext("Libre"))
        self.book_same_day = str(Markup(gettext("Réserver %(day)s de %(start)s à %(end)s")))
        self.book_over_days = str(Markup(gettext("Réserver du %(day)s %(start)s au %(end_day)s %(end)s")))
        self.period = str(Markup(gettext("%(start)s à %(end)s")))
        self._ngettext = ngettext
        self._day_label = day_label
        self._clock = clock
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


def put_words(grid: Any, resource: Any, words: WeekWords) -> None:
    """Give each block of ``grid`` (``timegrid.WeekGrid``) of ``resource``'s week its words."""
    address = form_address(resource.id)
    for row in grid.cells:
        for block in row:
            if block is None:
                continue
            cell = block.cell
            if cell.state == CellState.FREE:
                _free_cell(block, cell, address, words)
            if block.when:
                block.when_words = words.period_on(block.when[0], block.when[1], cell.day)
            for band in block.pending:
                band.when_words = words.period_on(band.starts_at, band.ends_at, cell.day)


def _free_cell(block: Any, cell: Any, address: str, words: WeekWords) -> None:
    end = cell.book_until.astimezone(PARIS)
    block.link = f"{address}?{booking_query(cell.starts_at, cell.book_until)}"
    values = {"day": words.day(cell.day), "start": words.time(cell.at), "end": words.time(end.time())}
    if end.date() == cell.day:
        spoken = words.book_same_day % values
    else:
        spoken = words.book_over_days % {**values, "end_day": words.day(end.date())}
    if cell.free_units is None:
        block.shown = words.free
    else:
        block.shown = words.units_free(cell.free_units)
        spoken = f"{spoken} ({words.units_free_spoken(cell.free_units)})"
    block.spoken = Markup(spoken)
