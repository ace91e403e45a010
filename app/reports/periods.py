"""The period of a report: a month, a quarter, a year or any dates, and the period before it.

A period is a range of Paris calendar dates, both included. Its bounds in UTC are the Paris
midnights that open its first day and follow its last one, so a booking crossing a bound (a
night, the end of a month, a clock change) is cut there and each side counts the hours that
really fall in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from flask_babel import format_date

from app.core.clock import paris_end_of_day, paris_to_utc, paris_today, within_reach
from app.core.i18n import lazy_gettext as _l

Kind = Literal["month", "quarter", "year", "dates"]
KINDS: dict[str, object] = {
    "month": _l("Mois"),
    "quarter": _l("Trimestre"),
    "year": _l("Année"),
    "dates": _l("Dates choisies"),
}
MAX_DAYS = 3 * 366  # a report covers at most three years


class PeriodError(ValueError):
    """The dates asked for make no period; ``field`` names the field at fault, the message says why."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    kind: Kind
    first: date
    last: date

    @property
    def starts_at(self) -> datetime:
        from datetime import time

        return paris_to_utc(self.first, time(0))

    @property
    def ends_at(self) -> datetime:
        return paris_end_of_day(self.last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before: the month, quarter or year before, or as many days."""
        if self.kind == "month":
            return month_of(self.first - timedelta(days=1))
        if self.kind == "quarter":
            return quarter_of(self.first - timedelta(days=1))
        if self.kind == "year":
            return year_of(self.first.year - 1)
        return Period("dates", self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def label(self) -> str:
        if self.kind == "month":
            return format_date(self.first, "MMMM y")
        if self.kind == "quarter":
            return str(_l("%(n)se trimestre %(year)s", n=(self.first.month - 1) // 3 + 1, year=self.first.year))
        if self.kind == "year":
            return str(self.first.year)
        return str(_l("du %(first)s au %(last)s", first=format_date(self.first), last=format_date(self.last)))

    def query(self) -> dict[str, str]:
        """The period as the page's address holds it."""
        if self.kind == "month":
            return {"periode": "month", "mois": f"{self.first:%Y-%m}"}
        if self.kind == "quarter":
            return {"periode": "quarter", "trimestre": f"{self.first.year}-T{(self.first.month - 1) // 3 + 1}"}
        if self.kind == "year":
            return {"periode": "year", "annee": str(self.first.year)}
        return {"periode": "dates", "du": self.first.isoformat(), "au": self.last.isoformat()}


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1))


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = (first + timedelta(days=93)).replace(day=1)
    return Period("quarter", first, following - timedelta(days=1))


def year_of(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def _reachable(day: date, field: str) -> date:
    if not within_reach(day):
        raise PeriodError(field, _l("Choisissez une date entre l'an 2000 et dans dix ans."))
    return day


def parse(args, today: date | None = None) -> Period:
    """The period from the page's address (``periode`` and its fields); the current month by default.
    Raises ``PeriodError`` with a French message for the field at fault."""
    today = today or paris_today()
    kind = args.get("periode") or "month"
    if kind not in KINDS:
        raise PeriodError("periode", _l("Choisissez un mois, un trimestre, une année ou des dates."))
    try:
        if kind == "month":
            text = args.get("mois") or f"{today:%Y-%m}"
            year, month = (int(part) for part in text.split("-"))
            return month_of(_reachable(date(year, month, 1), "mois"))
        if kind == "quarter":
            text = args.get("trimestre") or f"{today.year}-T{(today.month - 1) // 3 + 1}"
            year_text, quarter_text = text.upper().split("-T")
            quarter = int(quarter_text)
            if not 1 <= quarter <= 4:
                raise ValueError
            return quarter_of(_reachable(date(int(year_text), 3 * quarter - 2, 1), "trimestre"))
        if kind == "year":
            return year_of(_reachable(date(int(args.get("annee") or today.year), 1, 1), "annee").year)
    except (ValueError, TypeError) as error:
        if isinstance(error, PeriodError):
            raise
        field = {"month": "mois", "quarter": "trimestre", "year": "annee"}[kind]
        raise PeriodError(field, _l("Cette période n'est pas reconnue (exemples : 2027-03, 2027-T1, 2027).")) from None
    first = _date(args.get("du"), "du")
    last = _date(args.get("au"), "au")
    if last < first:
        raise PeriodError("au", _l("La fin de la période précède son début."))
    if (last - first).days >= MAX_DAYS:
        raise PeriodError("au", _l("Une période couvre au plus trois ans."))
    return Period("dates", first, last)


def _date(text: str | None, field: str) -> date:
    if not text:
        raise PeriodError(field, _l("Indiquez une date."))
    try:
        return _reachable(date.fromisoformat(text), field)
    except ValueError:
        raise PeriodError(field, _l("Indiquez une date au format AAAA-MM-JJ.")) from None
