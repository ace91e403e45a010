"""Paid tickets: a registration to an event with a price is invoiced by the event's venue, paid
online (the invoices' Stripe payment page) or offline (a manager records it), and credited by the
cancellation rules. No request here; ``app.events.registrations`` calls the hooks in its own
transaction, nothing here commits.

- **Categories.** An event has a price per category (full, reduced, member: members of the
  consortium only). A registration to a paid event needs an account: the invoice has a buyer,
  who sees it and pays it among their invoices. A free category of a paid event costs nothing.
- **The seat while unpaid.** A confirmed paid registration gets its invoice at once, and its seat
  is *held* for ``TICKET_HOLD_HOURS`` (24 by default), never beyond the event's start. An invoice
  still wholly unpaid when the hold ends is released by ``flask reminders`` (:func:`release_expired`):
  the registration is cancelled, its invoice credited in full, and the first person on the
  waitlist moves up (their own invoice and hold start then). A payment, even partial, keeps the
  seat. Someone on the waitlist is invoiced only when they move up.
- **Cancelling.** A cancelled paid registration is credited by the agreement's rule: all of it more
  than 48 hours before the start, else the venue keeps half (a credit note, refunded on the card if
  paid online: ``app.billing.online``); a cancelled event credits every ticket in full.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agreements.snapshot import FREE_CANCELLATION_HOURS, LATE_CANCELLATION_SHARE
from app.billing import issuing, payments, sources
from app.billing.models import Invoice, InvoiceLine
from app.core.clock import PARIS, utcnow
from app.core.i18n import lazy_gettext as _l
from app.events.models import Event, Registration, RegistrationStatus
from app.events.signals import event_changed
from app.extensions import db
from app.manage import audit
from app.models import Audience, User
from app.models.types import UTCDateTime, str_enum
from app.notifications.reminders import reminder

DEFAULT_HOLD_HOURS = 24


class TicketCategory(enum.StrEnum):
    FULL = "full"
    REDUCED = "reduced"
    MEMBER = "member"


CATEGORY_LABELS = {
    TicketCategory.FULL: _l("Plein tarif"),
    TicketCategory.REDUCED: _l("Tarif réduit"),
    TicketCategory.MEMBER: _l("Tarif membre"),
}
# The documents are in French: the line names the category so.
_CATEGORY_FR = {
    TicketCategory.FULL: "plein tarif",
    TicketCategory.REDUCED: "tarif réduit",
    TicketCategory.MEMBER: "tarif membre",
}


class EventTicket(db.Model):
    """The ticket of a registration to a paid event: its category and price when registered, its
    invoice (once the seat is confirmed), how long the seat is held unpaid, and when it was released."""

    __tablename__ = "event_tickets"
    __table_args__ = (
        sa.CheckConstraint("price_cents >= 0", name="price_non_negative"),
        sa.Index("ix_event_tickets_held", "held_until"),
    )

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_registrations.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    category: Mapped[TicketCategory] = mapped_column(str_enum(TicketCategory, "ticket_category"))
    price_cents: Mapped[int] = mapped_column()
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id", ondelete="RESTRICT"))
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship()
    invoice: Mapped[Invoice | None] = relationship()


class TicketRefused(ValueError):
    """Raised as the registration's own refusal (``EventRefused``) by the caller."""


def hold_hours() -> int:
    return int(current_app.config.get("TICKET_HOLD_HOURS", DEFAULT_HOLD_HOURS))


def price_of(event: Event, category: TicketCategory) -> int:
    return {
        TicketCategory.FULL: event.price_full_cents,
        TicketCategory.REDUCED: event.price_reduced_cents,
        TicketCategory.MEMBER: event.price_member_cents,
    }[category]


def categories_for(event: Event, user: User | None) -> list[TicketCategory]:
    """The categories this person may choose: full and reduced, and member for the consortium's members."""
    found = [TicketCategory.FULL]
    if event.price_reduced_cents or event.price_full_cents:
        found.append(TicketCategory.REDUCED)
    if user is not None and user.audience == Audience.CONSORTIUM:
        found.append(TicketCategory.MEMBER)
    return found


def choices(event: Event, user: User | None) -> list[tuple[str, object, int]]:
    """(value, label, price in cents) of each category this person may choose, for the form."""
    if event.is_free:
        return []
    return [
        (category.value, CATEGORY_LABELS[category], price_of(event, category))
        for category in categories_for(event, user)
    ]


def context(registration: Registration) -> dict:
    """What the registration's page shows of its ticket: category, price, invoice, its state, the hold."""
    ticket = ticket_of(registration)
    return {
        "ticket": ticket,
        "ticket_label": CATEGORY_LABELS[ticket.category] if ticket is not None else "",
        "ticket_state": payment_state(ticket),
        "ticket_held": ticket is not None
        and ticket.held_until is not None
        and is_unpaid(ticket)
        and registration.status == RegistrationStatus.CONFIRMED,
    }


def ticket_of(registration: Registration) -> EventTicket | None:
    return db.session.get(EventTicket, registration.id)


def check(event: Event, user: User | None, category: str | None) -> TicketCategory | None:
    """What a paid event asks before registering (an account, a category this person may take):
    the category, None for a free event; raises ``TicketRefused`` with the field and message."""
    if event.is_free:
        return None
    if user is None:
        raise TicketRefused(
            "account", _l("Cet évènement est payant : connectez-vous ou créez un compte pour prendre un billet.")
        )
    try:
        chosen = TicketCategory(category or TicketCategory.FULL)
    except ValueError:
        raise TicketRefused("category", _l("Choisissez un tarif de la liste.")) from None
    if chosen not in categories_for(event, user):
        raise TicketRefused("category", _l("Le tarif membre est réservé aux membres du consortium."))
    return chosen


def registered(registration: Registration, category: TicketCategory | None, now: datetime) -> EventTicket | None:
    """The registration is written (confirmed or waitlisted): its ticket, invoiced if confirmed."""
    if category is None:
        return None
    ticket = EventTicket(
        registration_id=registration.id,
        event_id=registration.event_id,
        category=category,
        price_cents=price_of(registration.event, category),
    )
    db.session.add(ticket)
    if registration.status == RegistrationStatus.CONFIRMED:
        _invoice(ticket, registration, now)
    db.session.flush()
    return ticket


def promoted(registration: Registration, now: datetime) -> None:
    """Moved up from the waitlist: invoiced now, and its seat held from now."""
    ticket = ticket_of(registration)
    if ticket is not None and ticket.invoice_id is None:
        _invoice(ticket, registration, now)


def _description(ticket: EventTicket, registration: Registration) -> str:
    event = registration.event
    start = event.starts_at.astimezone(PARIS)
    return (
        f"Billet {_CATEGORY_FR[ticket.category]} : {event.title}, {start:%d/%m/%Y %H:%M} (inscription n° {registration.id})"
    )[:255]


def _invoice(ticket: EventTicket, registration: Registration, now: datetime) -> None:
    if ticket.price_cents <= 0 or registration.user is None:
        return
    line = InvoiceLine(
        source_type=sources.EVENT_TICKET,
        source_id=registration.id,
        description=_description(ticket, registration),
        quantity=1,
        unit_price_cents=ticket.price_cents,
        net_cents=ticket.price_cents,
    )
    document = issuing.issue_invoice(registration.event.venue_id, registration.user, [line], now=now)
    if document is None:  # the venue has not set its billing identity: the ticket is paid there
        return
    ticket.invoice_id = document.id
    ticket.held_until = min(now + timedelta(hours=hold_hours()), registration.event.starts_at)


def credit_share(registration: Registration, now: datetime, by_venue: bool = False) -> int:
    """All of it when the venue cancels or more than 48 hours before the start, else half (the agreement's clause)."""
    if by_venue or registration.event.starts_at - now >= timedelta(hours=FREE_CANCELLATION_HOURS):
        return 100
    return 100 - LATE_CANCELLATION_SHARE


def cancelled(registration: Registration, now: datetime, by_venue: bool = False, reason: str = "") -> list[Invoice]:
    """The registration is cancelled: what its ticket's invoice still bills is credited (refunded if paid online)."""
    ticket = ticket_of(registration)
    if ticket is None or ticket.invoice_id is None:
        return []
    share = credit_share(registration, now, by_venue)
    return issuing.credit_source(sources.EVENT_TICKET, registration.id, share, reason=reason, now=now)


def is_unpaid(ticket: EventTicket) -> bool:
    return ticket.invoice is not None and payments.balance(ticket.invoice).paid_cents == 0


def payment_state(ticket: EventTicket | None) -> payments.InvoiceState | None:
    if ticket is None or ticket.invoice is None:
        return None
    return payments.state_of(ticket.invoice)


@reminder("ticket_hold_released")
def release_expired(now: datetime) -> int:
    """Release the seats held unpaid past their hold (``flask reminders``, any time of day): each
    registration is cancelled, its invoice credited in full, the waitlist moves up."""
    expired = db.session.scalars(
        select(EventTicket)
        .join(Registration, Registration.id == EventTicket.registration_id)
        .where(
            EventTicket.held_until.is_not(None),
            EventTicket.held_until <= now,
            EventTicket.released_at.is_(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(EventTicket.held_until, EventTicket.registration_id)
    ).all()
    released = 0
    for ticket in expired:
        if not is_unpaid(ticket):
            ticket.held_until = None  # paid (in part): the seat is kept
            continue
        registration = ticket.registration
        ticket.released_at = now
        _release(registration, now)
        audit.record(None, "event_registration", registration.id, "released_unpaid", invoice=ticket.invoice_id)
        released += 1
    db.session.flush()
    return released


def _release(registration: Registration, now: datetime) -> None:
    from app.events.registrations import lock_event, promote
    from app.events.rules import _tell

    lock_event(registration.event_id)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    issuing.credit_source(
        sources.EVENT_TICKET, registration.id, 100, reason="Place libérée : billet non réglé à temps", now=now
    )
    _tell(registration, "events/email/released", event=registration.event)
    if not registration.event.is_cancelled:
        promote(registration.event, now)


@event_changed.connect
def _on_event_changed(event: Event, **_extra) -> None:
    """A cancelled event: every ticket still billed is credited in full (and refunded)."""
    if not event.is_cancelled:
        return
    now = utcnow()
    for registration in event.registrations:
        if registration.status != RegistrationStatus.CANCELLED:
            cancelled(registration, now, by_venue=True, reason="Évènement annulé")
