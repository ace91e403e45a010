"""A table of figures as the page, the CSV and the PDF show it: columns, rows, totals.

Values stay raw (integers, seconds, cents, ratios); ``Column.kind`` says how to show them, so that
the CSV carries the same numbers as the page, only spelled for a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale

from app.core.money import format_cents

ColumnKind = Literal["text", "count", "hours", "days", "percent", "cents", "change"]


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: ColumnKind = "text"


@dataclass
class Table:
    key: str  # also the CSV's file name
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    caption: Any = ""  # what the table shows, said in words (the text alternative of its chart)
    chart: Literal["bar", "heatmap", None] = None
    chart_value: str | None = None  # the column the chart draws
    notes: list[Any] = field(default_factory=list)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def hours(seconds: float | int | None) -> float:
    return round(float(seconds or 0) / 3600, 2)


def days(seconds: float | int | None) -> float:
    return round(float(seconds or 0) / 86400, 2)


def ratio(part: float | int | None, whole: float | int | None) -> float | None:
    return None if not whole else float(part or 0) / float(whole)


def show(value: Any, kind: ColumnKind, locale: str | None = None) -> str:
    """A value as the page and the PDF print it (in the current language).

    A report prints a few thousand numbers, many of them alike (zeros, the same hours): each distinct
    (value, kind, language) is spelled by Babel once per process (``_spelled``), then looked up."""
    if value is None:
        return "—"
    if kind == "text":
        return str(value)
    locale = locale or str(get_locale() or "fr")
    # bool is an int: True and 1 would share a spelling, as they do with Babel
    return _spelled(type(value), value, kind, locale)


@lru_cache(maxsize=16384)
def _spelled(_type: type, value: Any, kind: ColumnKind, locale: str) -> str:
    if kind == "count":
        return format_decimal(value, locale=locale)
    if kind in ("hours", "days"):
        return format_decimal(round(value, 1), format="#,##0.0", locale=locale)
    if kind == "percent":
        return format_percent(value, format="#,##0 %", locale=locale)
    if kind == "change":
        return ("+" if value > 0 else "") + format_percent(value, format="#,##0 %", locale=locale)
    if kind == "cents":
        return format_cents(int(value), locale)
    return str(value)


def spreadsheet(value: Any, kind: ColumnKind, decimal_comma: bool) -> str:
    """A value as the CSV holds it: plain numbers (two decimals for hours, days and ratios; euros for money)."""
    if value is None:
        return ""
    if kind == "count":
        text = str(int(value))
    elif kind in ("hours", "days", "percent", "change"):
        text = f"{value:.2f}" if kind in ("hours", "days") else f"{value:.4f}"
    elif kind == "cents":
        text = f"{int(value) / 100:.2f}"
    else:
        return str(value)
    return text.replace(".", ",") if decimal_comma else text
