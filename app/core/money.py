"""Money is stored in integer cents; this turns cents into text for people."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency


@lru_cache(maxsize=4096)  # a pure function, and Babel's formatting is slow: a catalogue page shows hundreds of prices
def format_cents(cents: int | None, locale: str = "fr") -> str:
    if cents is None:
        return ""
    # Decimal arithmetic: no float rounding on money.
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)
