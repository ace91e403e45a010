"""Online payment of an invoice, through the configured provider (``app.billing.providers``). No
request here.

- :func:`start`: the intent for what is due on the invoice, amount from our database (an open one
  for the same amount is reused; one for another amount is cancelled and replaced);
- :func:`settle`: the provider says the intent succeeded: the payment is recorded once, the
  invoice and its bookings marked paid when nothing is left due, all in the audit trail;
- :func:`apply_event`: a signed webhook, applied once (its id is stored: a replayed or duplicated
  event changes nothing);
- :func:`sync`: ``flask payments sync``, for the intents whose webhook never came, and the refunds
  not sent yet;
- refunds: a credit note on an invoice paid online queues a refund of the share paid online
  (:func:`queue_refunds`, in the credit note's transaction), sent to the provider after the commit
  (:func:`send_refund`), retried by ``flask payments sync`` when the provider could not be reached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.billing import payments
from app.billing.models import (
    DocumentKind,
    Invoice,
    OnlinePayment,
    OnlinePaymentStatus,
    Payment,
    PaymentMethod,
    ProviderEvent,
    Refund,
    RefundStatus,
)
from app.billing.providers import Intent, PaymentProvider, ProviderError, WebhookEvent
from app.core.clock import paris_today, utcnow
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage.audit import record
from app.models import PaymentStatus, User

log = logging.getLogger(__name__)

CURRENCY = "eur"
_REFUNDS_QUEUED = "billing.refunds_queued"
REFUNDS_COMMITTED = "billing.refunds_committed"


class OnlinePaymentRefused(Refusal):
    code = "online_payment_refused"


# --- paying ------------------------------------------------------------------------------------------


def open_payment(invoice: Invoice, provider_name: str) -> OnlinePayment | None:
    return db.session.scalars(
        select(OnlinePayment)
        .where(
            OnlinePayment.invoice_id == invoice.id,
            OnlinePayment.provider == provider_name,
            OnlinePayment.status == OnlinePaymentStatus.OPEN,
        )
        .order_by(OnlinePayment.id.desc())
    ).first()


def start(invoice: Invoice, provider: PaymentProvider, actor: User) -> tuple[OnlinePayment, Intent]:
    """The intent the buyer pays on the payment page (the caller commits)."""
    if invoice.kind != DocumentKind.INVOICE:
        raise OnlinePaymentRefused(_l("Un avoir ne se paie pas."))
    due = payments.balance(invoice).due_cents
    if due == 0:
        raise OnlinePaymentRefused(_l("Cette facture est déjà réglée."))
    current = open_payment(invoice, provider.name)
    if current is not None:
        intent = provider.retrieve(current.intent_id)
        if intent.succeeded:
            settle(current, intent)
            raise OnlinePaymentRefused(_l("Cette facture est déjà réglée."))
        if current.amount_cents == due and not intent.canceled:
            return current, intent
        if not intent.canceled:
            try:
                provider.cancel(current.intent_id)
            except ProviderError:  # already gone: it cannot be paid any more either way
                log.warning("online payment %s: the intent could not be cancelled", current.id)
        current.status = OnlinePaymentStatus.CANCELED
        record(actor, "invoice", invoice.id, "online_payment_canceled", intent=current.intent_id)
    attempt = 1 + len(db.session.scalars(select(OnlinePayment.id).where(OnlinePayment.invoice_id == invoice.id)).all())
    intent = provider.create_intent(
        due,
        CURRENCY,
        {"invoice": invoice.number, "invoice_id": str(invoice.id), "venue_id": str(invoice.venue_id)},
        idempotency_key=f"invoice-{invoice.id}-{attempt}-{due}",
    )
    online = OnlinePayment(
        invoice=invoice, provider=provider.name, intent_id=intent.id, amount_cents=due, currency=CURRENCY
    )
    db.session.add(online)
    db.session.flush()
    record(actor, "invoice", invoice.id, "online_payment_started", intent=intent.id, amount_cents=due)
    return online, intent


def settle(online: OnlinePayment, intent: Intent, source: str = "provider") -> Payment | None:
    """Record the payment of a succeeded intent, once (the caller commits). None when there was
    nothing to do: already settled, not succeeded, or not what we asked for."""
    locked = db.session.scalars(
        select(OnlinePayment)
        .where(OnlinePayment.id == online.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if locked.status == OnlinePaymentStatus.SUCCEEDED:
        return None
    if intent.canceled:
        locked.status = OnlinePaymentStatus.CANCELED
        return None
    if not intent.succeeded:
        return None
    invoice = locked.invoice
    if intent.amount_cents != locked.amount_cents or intent.currency.lower() != locked.currency:
        log.error("online payment %s: the provider's amount %s differs from ours", locked.id, intent.amount_cents)
        record(
            None, "invoice", invoice.id, "online_payment_mismatch", intent=intent.id, amount_cents=intent.amount_cents
        )
        return None
    payment = Payment(
        invoice=invoice,
        method=PaymentMethod.CARD,
        amount_cents=locked.amount_cents,
        received_on=paris_today(),
        reference=intent.id[:120],
        recorded_by_id=None,
    )
    db.session.add(payment)
    db.session.flush()
    locked.status, locked.payment_id, locked.settled_at = OnlinePaymentStatus.SUCCEEDED, payment.id, utcnow()
    record(
        None,
        "invoice",
        invoice.id,
        "payment_recorded",
        number=invoice.number,
        payment_id=payment.id,
        method=PaymentMethod.CARD,
        amount_cents=payment.amount_cents,
        received_on=payment.received_on,
        reference=payment.reference,
        source=source,
    )
    if payments.balance(invoice).due_cents == 0:
        for booking in payments._bookings_of(invoice):
            booking.payment_status = PaymentStatus.PAID
        record(None, "invoice", invoice.id, "paid", number=invoice.number)
    return payment


def payment_of_intent(provider_name: str, intent_id: str) -> OnlinePayment | None:
    return db.session.scalars(
        select(OnlinePayment).where(OnlinePayment.provider == provider_name, OnlinePayment.intent_id == intent_id)
    ).first()


def apply_event(provider: PaymentProvider, webhook: WebhookEvent) -> str:
    """Apply a checked webhook once: "duplicate" when its id was seen, "ignored" when it concerns
    nothing of ours, else "applied" (the caller commits)."""
    try:
        with db.session.begin_nested():
            db.session.add(ProviderEvent(provider=provider.name, event_id=webhook.id, type=webhook.type[:80]))
    except IntegrityError:
        return "duplicate"
    if webhook.intent is None:
        return "ignored"
    online = payment_of_intent(provider.name, webhook.intent.id)
    if online is None:
        return "ignored"
    settle(online, webhook.intent, source="webhook")
    return "applied"


# --- refunds -----------------------------------------------------------------------------------------


def refunded_cents(online: OnlinePayment) -> int:
    return sum(r.amount_cents for r in online.refunds if r.status != RefundStatus.FAILED)


def queue_refunds(note: Invoice) -> list[Refund]:
    """For a credit note on an invoice paid online: refunds of what it credits, up to what was
    paid online and not refunded yet (in the credit note's transaction; sent after the commit)."""
    invoice = note.credits
    if invoice is None:
        return []
    paid_online = db.session.scalars(
        select(OnlinePayment)
        .where(OnlinePayment.invoice_id == invoice.id, OnlinePayment.status == OnlinePaymentStatus.SUCCEEDED)
        .order_by(OnlinePayment.id)
    ).all()
    left = note.total_cents
    queued = []
    for online in paid_online:
        amount = min(left, online.amount_cents - refunded_cents(online))
        if amount <= 0:
            continue
        refund = Refund(credit_note=note, online_payment=online, amount_cents=amount)
        db.session.add(refund)
        db.session.flush()
        record(None, "credit_note", note.id, "refund_queued", refund_id=refund.id, amount_cents=amount)
        queued.append(refund)
        left -= amount
        if left == 0:
            break
    if queued:
        db.session.info[_REFUNDS_QUEUED] = True
    return queued


def send_refund(refund: Refund, provider: PaymentProvider) -> bool:
    """Ask the provider for one pending refund (the caller commits). False when it stays pending."""
    locked = db.session.scalars(
        select(Refund).where(Refund.id == refund.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if locked.status != RefundStatus.PENDING:
        return True
    try:
        result = provider.refund(locked.online_payment.intent_id, locked.amount_cents, f"refund-{locked.id}")
    except ProviderError as error:
        locked.error = str(error)[:2000]
        record(None, "credit_note", locked.credit_note_id, "refund_retry", refund_id=locked.id, error=locked.error)
        return False
    locked.provider_reference, locked.done_at = result.id, utcnow()
    locked.status = RefundStatus.SUCCEEDED if result.succeeded else RefundStatus.FAILED
    locked.error = "" if result.succeeded else result.status
    record(
        None,
        "credit_note",
        locked.credit_note_id,
        "refunded" if result.succeeded else "refund_failed",
        refund_id=locked.id,
        amount_cents=locked.amount_cents,
        reference=result.id,
    )
    return result.succeeded


def pending_refunds() -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.status == RefundStatus.PENDING).order_by(Refund.id)))


def send_pending_refunds(provider: PaymentProvider, limit: int | None = None) -> tuple[int, int]:
    """Each pending refund in its own transaction: (sent, still pending)."""
    sent = left = 0
    for refund in pending_refunds()[:limit]:
        if refund.online_payment.provider != provider.name:
            continue
        if send_refund(refund, provider):
            sent += 1
        else:
            left += 1
        db.session.commit()
    return sent, left


@event.listens_for(Session, "after_commit")
def _refunds_committed(session: Session) -> None:
    if session.info.pop(_REFUNDS_QUEUED, False):
        session.info[REFUNDS_COMMITTED] = True


@event.listens_for(Session, "after_soft_rollback")
def _refunds_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_REFUNDS_QUEUED, None)


# --- reconciling -------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    settled: int = 0
    canceled: int = 0
    open: int = 0
    failed: int = 0
    refunds_sent: int = 0
    refunds_pending: int = 0


def sync(provider: PaymentProvider) -> SyncReport:
    """Ask the provider about every open intent, settle those paid, then send pending refunds."""
    report = SyncReport()
    ids = db.session.scalars(
        select(OnlinePayment.id)
        .where(OnlinePayment.provider == provider.name, OnlinePayment.status == OnlinePaymentStatus.OPEN)
        .order_by(OnlinePayment.id)
    ).all()
    for online_id in ids:
        online = db.session.get(OnlinePayment, online_id)
        assert online is not None
        try:
            intent = provider.retrieve(online.intent_id)
        except ProviderError as error:
            log.warning("online payment %s: %s", online_id, error)
            report.failed += 1
            continue
        if settle(online, intent, source="sync") is not None:
            report.settled += 1
        elif online.status == OnlinePaymentStatus.CANCELED:
            report.canceled += 1
        else:
            report.open += 1
        db.session.commit()
    report.refunds_sent, report.refunds_pending = send_pending_refunds(provider)
    return report


def refunds_of(note: Invoice) -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.credit_note_id == note.id).order_by(Refund.id)))


def online_payments_of(invoice: Invoice) -> list[OnlinePayment]:
    return list(
        db.session.scalars(
            select(OnlinePayment).where(OnlinePayment.invoice_id == invoice.id).order_by(OnlinePayment.id)
        )
    )
