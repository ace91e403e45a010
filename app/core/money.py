"""Money is stored in integer cents; this turns cents into text for people."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency


def format_cents(cents: int | None, locale: str = "fr") -> str:
    if cents is None:
        return ""
    # Decimal arithmetic: no float rounding on money.
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)
