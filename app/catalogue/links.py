"""Where a free slot leads: the booking form of the ``bookings`` package (``bookings.new``),
with the period as Paris wall-clock times ``YYYY-MM-DDTHH:MM`` and, for kits, the quantity."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.core.clock import PARIS
from app.core.memo import per_request


@per_request
def form_address(resource_id: int) -> str:
    """The booking form of the resource, without its period."""
    return url_for("bookings.new", resource_id=resource_id)


def booking_query(starts_at: datetime, ends_at: datetime, quantity: int | None = None) -> str:
    """The form's query for the period: ``YYYY-MM-DDTHH:MM`` holds only characters a query keeps as
    they are, as ``urlencode(safe=":")`` would keep them, so it is written by hand."""
    start, end = starts_at.astimezone(PARIS), ends_at.astimezone(PARIS)
    query = f"debut={start:%Y-%m-%dT%H:%M}&fin={end:%Y-%m-%dT%H:%M}"
    if quantity and quantity > 1:
        query += f"&quantite={int(quantity)}"
    return query


def booking_url(resource_id: int, starts_at: datetime, ends_at: datetime, quantity: int | None = None) -> str:
    """A calendar has a link in each free cell: the form's address is built once a request."""
    return f"{form_address(resource_id)}?{booking_query(starts_at, ends_at, quantity)}"
