"""The demo's billing: each venue's billing identity (an association not subject to VAT), and at
L'Île aux Fruits (its teaching greenhouse), for the external company's employee
(externe@example.org, Atelier Lumen), a paid tariff's bookings made and approved through the booking engine at moments in the past, with their
invoices: one paid by transfer, one due, one overdue and paid in part, one cancelled by the venue
(its credit note), and a quote for a slot to come. ALCO invoices monthly, the others at approval.

Only the engine and the billing rules write here (no invoice is made by hand): the past bookings
are asked and approved "as of" their moment (``now=``), and invoiced then.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from stdnum import luhn

from app.billing import issuing, payments, quotes
from app.billing.models import BillingIdentity, InvoicingSchedule, PaymentMethod
from app.bookings import service
from app.core.clock import paris_to_utc, paris_today
from app.extensions import db
from app.models import Booking, BookingStatus, Resource, User, Venue

DEMO_IBAN = "FR7630006000011234567890189"
DEMO_BIC = "AGRIFRPP"


def demo_siret(venue_id: int) -> str:
    """A SIRET with a valid Luhn key (made up: a demo)."""
    siren = f"8{venue_id:03d}0000"[:8]
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


def create_identities(venues: list[Venue]) -> list[BillingIdentity]:
    made = []
    for venue in venues:
        identity = BillingIdentity(
            venue_id=venue.id,
            legal_name=f"Association {venue.name}",
            street=venue.street,
            postal_code=venue.postal_code,
            city=venue.city,
            siret=demo_siret(venue.id),
            iban=DEMO_IBAN,
            bic=DEMO_BIC,
            payment_terms_days=30,
            legal_mentions="Association loi 1901, membre du consortium FNT Partage.",
            invoicing=InvoicingSchedule.MONTHLY if venue.slug == "alco" else InvoicingSchedule.AT_APPROVAL,
        )
        db.session.add(identity)
        made.append(identity)
    db.session.flush()
    return made


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _book(
    room: Resource, buyer: User, manager: User, start_day: date, asked: datetime
) -> tuple[Booking, datetime] | None:
    """Ask for 10:00–12:00 on that weekday as of ``asked``, approved by the manager then. When the
    venue is closed that day (a public holiday, its winter break), both move back a day, up to
    five weeks. Returns the booking and the moment it was asked, or None."""
    for back in range(35):
        day, moment = start_day - timedelta(days=back), asked - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        start = paris_to_utc(day, time(10))
        try:
            with db.session.begin_nested():
                booking = service.request_booking(
                    room, buyer, start, start + timedelta(hours=2), purpose="Réunion d'équipe", now=moment
                )
                if booking.status == BookingStatus.REQUESTED:
                    service.approve(booking, manager, now=moment)
        except service.Refusal:
            continue
        return booking, moment
    return None


def create_billing(now: datetime) -> int:
    """The identities, the invoices and the quote; returns how many invoices and credit notes."""
    venues = list(db.session.scalars(select(Venue).order_by(Venue.id)))
    create_identities(venues)
    users = {u.email: u for u in db.session.scalars(select(User))}
    buyer, manager = users.get("externe@example.org"), users.get("gestion.ileauxfruits@example.org")
    room = db.session.scalar(
        select(Resource).join(Venue).where(Venue.slug == "ile-aux-fruits", Resource.slug == "serre-pedagogique")
    )
    if buyer is None or manager is None or room is None:
        return 0
    today = paris_today(now)
    documents = 0
    # (days ago the booking took place, days ago it was asked and invoiced, then what was paid)
    for held, asked_days, paid_share in ((75, 85, 100), (50, 60, 50), (12, 15, 0)):
        made = _book(room, buyer, manager, today - timedelta(days=held), now - timedelta(days=asked_days))
        if made is None:
            continue
        booking, asked = made
        for invoice in issuing.invoice([booking], now=asked):
            documents += 1
            amount = invoice.total_cents * paid_share // 100
            if amount:
                received = (asked + timedelta(days=20)).date()
                reference = invoice.transfer_reference
                payments.record_payment(invoice, PaymentMethod.TRANSFER, amount, received, reference, manager)
    # Cancelled by the venue after its invoice: a credit note of the whole amount.
    made = _book(room, buyer, manager, today - timedelta(days=30), now - timedelta(days=40))
    if made is not None:
        cancelled, asked = made
        documents += len(issuing.invoice([cancelled], now=asked))
        db.session.flush()
        service.cancel(
            cancelled,
            manager,
            "Salle indisponible (dégât des eaux) : réservation annulée par le lieu.",
            now=asked + timedelta(days=2),
        )
        documents += 1  # its credit note, issued when the transaction commits
    # A quote for a day of next month, valid 30 days.
    quotes.request_quote(
        room,
        buyer,
        paris_to_utc(_weekday(today + timedelta(days=40)), time(14)),
        paris_to_utc(_weekday(today + timedelta(days=40)), time(18)),
        now=now,
    )
    return documents
