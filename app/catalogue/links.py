"""Where a free slot leads: the booking form of the ``bookings`` package (``bookings.new``),
with the period as Paris wall-clock times ``YYYY-MM-DDTHH:MM`` and, for kits, the quantity."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.core.clock import PARIS


def booking_url(resource_id: int, starts_at: datetime, ends_at: datetime, quantity: int | None = None) -> str:
    return url_for(
        "bookings.new",
        resource_id=resource_id,
        debut=starts_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        fin=ends_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        quantite=quantity if quantity and quantity > 1 else None,
    )
