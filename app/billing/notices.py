"""The emails of billing: an invoice or a credit note is issued (to the buyer), written into the
outbox in the transaction that issues it (``app.notifications``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.billing.models import DocumentKind, Invoice
from app.core.clock import paris_today
from app.extensions import db
from app.notifications import notify
from app.notifications.links import absolute_url
from app.notifications.reminders import record_once, reminder

EMAILS = "billing/email/"


def invoice_link(invoice: Invoice) -> str:
    return absolute_url("billing.show", invoice_id=invoice.id)


def issued(invoice: Invoice) -> None:
    notify(
        invoice.buyer_user,
        EMAILS + ("credit_note" if invoice.is_credit_note else "issued"),
        invoice=invoice,
        link=invoice_link(invoice),
    )


@reminder("invoice_overdue")
def invoices_overdue(now: datetime) -> int:
    """Once per invoice: its buyer is reminded when something is still due after the due date."""
    from app.billing import payments

    today = paris_today(now)
    late = db.session.scalars(
        select(Invoice)
        .where(Invoice.kind == DocumentKind.INVOICE, Invoice.due_on < today)
        .order_by(Invoice.due_on, Invoice.id)
    ).all()
    count = 0
    for invoice in late:
        due = payments.balance(invoice).due_cents
        if due and record_once("invoice_overdue", invoice.id, now):
            notify(invoice.buyer_user, EMAILS + "overdue", invoice=invoice, due_cents=due, link=invoice_link(invoice))
            count += 1
    return count
