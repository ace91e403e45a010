"""What is paid and what is due on an invoice, offline payments recorded by a manager, and the
invoices' states (unpaid, paid, overdue). No request here.

Due = total − credit notes − payments. An invoice with nothing left due is paid, and its bookings
say so (``Booking.payment_status``); one still due after its due date is overdue (a reminder goes
out once: ``app.billing.notices``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.billing import sources
from app.billing.models import DocumentKind, Invoice, Payment, PaymentMethod
from app.core.clock import paris_today
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage.audit import record
from app.models import Booking, PaymentStatus, User


class InvoiceState(enum.StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    OVERDUE = "overdue"


class PaymentRefused(Refusal):
    code = "payment_refused"
    field = "amount"


@dataclass(frozen=True)
class Balance:
    total_cents: int
    credited_cents: int
    paid_cents: int

    @property
    def due_cents(self) -> int:
        return max(self.total_cents - self.credited_cents - self.paid_cents, 0)


def balance(invoice: Invoice) -> Balance:
    return Balance(
        invoice.total_cents,
        sum(note.total_cents for note in invoice.credit_notes),
        sum(payment.amount_cents for payment in invoice.payments),
    )


def state_of(invoice: Invoice, today: date | None = None) -> InvoiceState | None:
    """None for a credit note (it is not paid: it corrects an invoice)."""
    if invoice.kind == DocumentKind.CREDIT_NOTE:
        return None
    if balance(invoice).due_cents == 0:
        return InvoiceState.PAID
    return InvoiceState.OVERDUE if invoice.due_on < (today or paris_today()) else InvoiceState.UNPAID


def _bookings_of(invoice: Invoice) -> list[Booking]:
    ids = [line.source_id for line in invoice.lines if line.source_type == sources.BOOKING]
    return list(db.session.scalars(select(Booking).where(Booking.id.in_(ids)))) if ids else []


def record_payment(
    invoice: Invoice,
    method: PaymentMethod,
    amount_cents: int,
    received_on: date,
    reference: str,
    actor: User | None,
) -> Payment:
    """A payment received offline (transfer, cheque, cash, or the deposit withheld: ``app.billing.deposits``),
    partial or whole; never more than is due."""
    if invoice.kind != DocumentKind.INVOICE:
        raise PaymentRefused(_l("Un avoir ne se paie pas."))
    due = balance(invoice).due_cents
    if due == 0:
        raise PaymentRefused(_l("Cette facture est déjà réglée."))
    if amount_cents > due:
        raise PaymentRefused(_l("Le montant dépasse ce qui reste dû sur cette facture."))
    if received_on > paris_today():
        raise PaymentRefused(_l("La date de réception ne peut pas être dans le futur."), field="received_on")
    payment = Payment(
        invoice=invoice,
        method=method,
        amount_cents=amount_cents,
        received_on=received_on,
        reference=reference.strip(),
        recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(payment)
    db.session.flush()
    record(
        actor,
        "invoice",
        invoice.id,
        "payment_recorded",
        number=invoice.number,
        payment_id=payment.id,
        method=method,
        amount_cents=amount_cents,
        received_on=received_on,
        reference=payment.reference,
    )
    if balance(invoice).due_cents == 0:
        for booking in _bookings_of(invoice):
            booking.payment_status = PaymentStatus.PAID
        record(actor, "invoice", invoice.id, "paid", number=invoice.number)
    return payment


def last_payment(invoice: Invoice) -> Payment | None:
    return invoice.payments[-1] if invoice.payments else None
