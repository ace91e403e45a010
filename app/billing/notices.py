"""The emails of billing: an invoice or a credit note is issued (to the buyer), written into the
outbox in the transaction that issues it (``app.notifications``)."""

from __future__ import annotations

from app.billing.models import Invoice
from app.notifications import notify
from app.notifications.links import absolute_url

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
