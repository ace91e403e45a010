"""Where a free slot leads: the booking form of the ``bookings`` package.

Built as a plain URL (``/ressources/<id>/reserver?debut=…&fin=…&quantite=…``): the form is
another package's; its query arguments are Paris wall-clock times ``YYYY-MM-DDTHH:MM``.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from app.bookings.hours import PARIS


def booking_url(resource_id: int, starts_at: datetime, ends_at: datetime, quantity: int | None = None) -> str:
    args = {
        "debut": starts_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
        "fin": ends_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M"),
    }
    if quantity and quantity > 1:
        args["quantite"] = str(quantity)
    return f"/ressources/{resource_id}/reserver?{urlencode(args)}"
