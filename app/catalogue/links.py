"""Where a free slot leads: the booking form of the ``bookings`` package (``bookings.new``),
with the period as Paris wall-clock times ``YYYY-MM-DDTHH:MM`` and, for kits, the quantity."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import url_for

from app.core.clock import PARIS
from app.core.memo import per_request


@per_request
def _form_address(resource_id: int) -> str:
    return url_for("bookings.new", resource_id=resource_id)


def booking_url(resource_id: int, starts_at: datetime, ends_at: datetime, quantity: int | None = None) -> str:
    """A calendar has a link in each free cell: the form's address is built once a request."""
    query = {
        "debut": starts_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        "fin": ends_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
    }
    if quantity and quantity > 1:
        query["quantite"] = str(quantity)
    return f"{_form_address(resource_id)}?{urlencode(query, safe=':')}"
