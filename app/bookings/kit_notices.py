"""The borrower's email when their kit comes back: the deposit received, given back or kept, and what
was missing or damaged, as recorded at return (``bookings/email/booking_returned.txt``)."""

from __future__ import annotations

from app.bookings import signals
from app.bookings.notices import _note
from app.models import Booking, User


@signals.booking_returned.connect
def _returned(booking: Booking, actor: User | None = None, reason: str = "", **_) -> None:
    _note("booking_returned", [booking.requester], booking, reason=reason)
