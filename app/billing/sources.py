"""What an invoice line sells: a *source*, named by a type and an id, so that other features can
be billed without a change to the invoices. Today a booking; an event ticket will add its own type
here, with a function that describes one of its rows as a line.
"""

from __future__ import annotations

from app.billing.models import KEPT_DEPOSIT, InvoiceLine
from app.core.clock import PARIS
from app.models import Booking, ResourceKind

BOOKING = "booking"
EVENT_TICKET = "event_ticket"  # a registration to a paid event (``app.events.tickets``): source_id is its id
# What a venue kept of a kit's deposit at its return (``app.billing.deposits``): source_id is the booking's.
# Outside the scope of VAT: a line of it carries no VAT whatever the venue's identity.
OUT_OF_VAT_SCOPE = frozenset({KEPT_DEPOSIT})


def booking_description(booking: Booking) -> str:
    """The booking as a line says it, in French (the language of the documents): the resource,
    the day and the hours in Paris, the units of a kit."""
    start, end = booking.starts_at.astimezone(PARIS), booking.ends_at.astimezone(PARIS)
    if start.date() == end.date():
        when = f"{start:%d/%m/%Y} {start:%H:%M}–{end:%H:%M}"
    else:
        when = f"{start:%d/%m/%Y %H:%M} – {end:%d/%m/%Y %H:%M}"
    units = f" × {booking.quantity}" if booking.resource.kind == ResourceKind.KIT and booking.quantity > 1 else ""
    return f"Réservation n° {booking.id} : {booking.resource.name}{units}, {when}"[:255]


def line_for_booking(booking: Booking) -> InvoiceLine:
    """One line for the booking at its price (before VAT), stored on the booking in cents."""
    return InvoiceLine(
        source_type=BOOKING,
        source_id=booking.id,
        description=booking_description(booking),
        quantity=1,
        unit_price_cents=booking.price_cents,
        net_cents=booking.price_cents,
    )


def line_for_kept_deposit(booking: Booking, kept_cents: int, notes: str) -> InvoiceLine:
    """One line for what the venue kept of the kit's deposit, naming the kit, the booking and the
    reason the return check gives."""
    text = f"Caution conservée — {booking.resource.name}, réservation n° {booking.id}"
    reason = " ".join(notes.split())
    if reason:
        room = 255 - len(text) - 3
        text = f"{text} : {reason if len(reason) <= room else reason[: room - 1] + '…'}"
    return InvoiceLine(
        source_type=KEPT_DEPOSIT,
        source_id=booking.id,
        description=text[:255],
        quantity=1,
        unit_price_cents=kept_cents,
        net_cents=kept_cents,
    )
