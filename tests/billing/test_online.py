"""Online payment against localstripe on loopback: the payment page (amount from our database,
the CSP opened for Stripe.js there alone), the test card, the signed webhook marking the invoice
paid, a replayed webhook changing nothing, ``flask payments sync`` for a webhook that never came,
and refunds through a credit note. Without the keys, online payment is off."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import time, timedelta

from sqlalchemy import func, select

from app.billing import payments, storage
from app.billing.models import (
    DocumentKind,
    Invoice,
    OnlinePayment,
    OnlinePaymentStatus,
    Payment,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.models import Booking, PaymentStatus
from tests.factories.agreements import approve, cancel
from tests.factories.billing import paid_booking
from tests.factories.localstripe import WEBHOOK_SECRET, wait_for
from tests.helpers import audit_actions, log_in, page_text


def _invoiced(world, price_cents: int = 5000) -> tuple[Booking, Invoice]:
    booking = paid_booking(world.space, world.borrower, utcnow() + timedelta(days=30), price_cents=price_cents)
    approve(booking, actor=world.manager)
    db.session.commit()
    invoice = db.session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.INVOICE)).one()
    return booking, invoice


def _open_payment_page(client, world, invoice):
    log_in(client, world.borrower)
    return client.get(f"/factures/{invoice.id}/payer")


def _intent_id(invoice: Invoice) -> str:
    db.session.expire_all()
    return db.session.scalars(select(OnlinePayment.intent_id).where(OnlinePayment.invoice_id == invoice.id)).one()


def _payments(invoice: Invoice) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.invoice_id == invoice.id)))


def _signed(payload: bytes, timestamp: int, secret: str = WEBHOOK_SECRET) -> dict:
    signature = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={timestamp},v1={signature}", "Content-Type": "application/json"}


def test_the_payment_page_asks_for_what_is_due_and_opens_the_csp_for_stripe_js_alone(
    world, client, stripe_app, localstripe
):
    _booking, invoice = _invoiced(world, 5000)
    response = _open_payment_page(client, world, invoice)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<script src="{localstripe.js_url}"></script>' in html
    assert "50,00" in page_text(response)
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe.base}" in policy
    assert "frame-ancestors 'none'" in policy
    # The intent at localstripe is for the amount in our database, and names the invoice.
    intent = localstripe.get(f"/v1/payment_intents/{_intent_id(invoice)}")
    assert (intent["amount"], intent["currency"], intent["metadata"]["invoice"]) == (5000, "eur", invoice.number)
    assert re.search(r'data-secret="pi_\w+_secret_\w+"', html)
    # Opening the page again reuses the same intent; any other page keeps the strict policy.
    client.get(f"/factures/{invoice.id}/payer")
    assert db.session.scalar(select(func.count()).select_from(OnlinePayment)) == 1
    other = client.get(f"/factures/{invoice.id}")
    assert localstripe.base not in other.headers["Content-Security-Policy"]
    assert "Payer en ligne (50,00" in page_text(other)


def test_the_test_card_then_the_signed_webhook_mark_the_invoice_paid_and_a_replay_changes_nothing(
    world, client, stripe_app, localstripe, webhook_server
):
    booking, invoice = _invoiced(world, 5000)
    _open_payment_page(client, world, invoice)
    intent_id = _intent_id(invoice)
    assert localstripe.pay_with_test_card(intent_id)["status"] == "succeeded"

    (payment,) = wait_for(lambda: _payments(invoice))  # localstripe posts the webhook a second later
    assert (payment.method, payment.amount_cents, payment.reference, payment.recorded_by_id) == (
        PaymentMethod.CARD,
        5000,
        intent_id,
        None,
    )
    assert db.session.get(Booking, booking.id).payment_status == PaymentStatus.PAID
    assert db.session.get(OnlinePayment, 1).status == OnlinePaymentStatus.SUCCEEDED
    assert audit_actions("invoice", invoice.id)[-3:] == ["online_payment_started", "payment_recorded", "paid"]
    page = client.get(f"/factures/{invoice.id}")
    assert "Réglée" in page_text(page) and "Carte (en ligne)" in page_text(page)
    assert "Payer en ligne" not in page_text(page)

    # The same event again, duplicated or replayed by an attacker with the signed body: nothing changes.
    (event,) = localstripe.events("payment_intent.succeeded")
    payload = json.dumps(event, indent=2, sort_keys=True).encode()
    replay = client.post("/paiements/webhook/stripe", data=payload, headers=_signed(payload, event["created"]))
    assert (replay.status_code, replay.get_data(as_text=True)) == (200, "duplicate")
    assert len(_payments(invoice)) == 1
    assert audit_actions("invoice", invoice.id).count("payment_recorded") == 1
    # The return page, reached after the webhook, finds nothing more to do either.
    back = client.get(f"/factures/{invoice.id}/paiement-retour", follow_redirects=True)
    assert "Merci : votre paiement est reçu." in page_text(back)
    assert len(_payments(invoice)) == 1


def test_a_webhook_with_a_bad_signature_or_too_old_is_refused(world, client, stripe_app):
    _booking, invoice = _invoiced(world, 5000)
    body = {"id": "evt_forged", "type": "payment_intent.succeeded", "data": {"object": {"object": "payment_intent"}}}
    payload = json.dumps(body).encode()
    now = int(utcnow().timestamp())
    forged = client.post("/paiements/webhook/stripe", data=payload, headers=_signed(payload, now, "whsec_other"))
    assert forged.status_code == 400
    stripe_app.config["STRIPE_WEBHOOK_TOLERANCE"] = 300
    old = client.post("/paiements/webhook/stripe", data=payload, headers=_signed(payload, now - 3600))
    assert old.status_code == 400
    fresh = client.post("/paiements/webhook/stripe", data=payload, headers=_signed(payload, now - 10))
    assert (fresh.status_code, fresh.get_data(as_text=True)) == (200, "ignored")  # no such intent of ours
    assert _payments(invoice) == []


def test_payments_sync_settles_a_payment_whose_webhook_never_came(world, client, stripe_app, localstripe, runner):
    booking, invoice = _invoiced(world, 4000)
    _open_payment_page(client, world, invoice)  # no webhook server: localstripe's webhooks go nowhere
    localstripe.pay_with_test_card(_intent_id(invoice))
    assert _payments(invoice) == []
    result = runner.invoke(args=["payments", "sync"])
    assert result.exit_code == 0, result.output
    assert "1 settled" in result.output
    (payment,) = _payments(invoice)
    assert payment.amount_cents == 4000
    assert db.session.get(Booking, booking.id).payment_status == PaymentStatus.PAID
    again = runner.invoke(args=["payments", "sync"])
    assert "0 settled" in again.output and len(_payments(invoice)) == 1


def test_a_credit_note_on_an_invoice_paid_online_is_refunded_through_stripe(
    world, client, stripe_app, localstripe, runner
):
    booking, invoice = _invoiced(world, 6000)
    _open_payment_page(client, world, invoice)
    intent_id = _intent_id(invoice)
    localstripe.pay_with_test_card(intent_id)
    runner.invoke(args=["payments", "sync"])
    assert len(_payments(invoice)) == 1

    # The borrower cancels on the booking's page, a month ahead: all of it is credited and refunded.
    response = client.submit(f"/reservations/{booking.id}/annuler", {"reason": "Imprévu"})
    assert response.status_code == 303
    db.session.expire_all()
    note = db.session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.CREDIT_NOTE)).one()
    (refund,) = db.session.scalars(select(Refund)).all()
    assert (refund.credit_note_id, refund.amount_cents, refund.status) == (note.id, 6000, RefundStatus.SUCCEEDED)
    (at_stripe,) = localstripe.get(f"/v1/refunds?payment_intent={intent_id}")["data"]
    assert (at_stripe["id"], at_stripe["amount"]) == (refund.provider_reference, 6000)
    assert "refunded" in audit_actions("credit_note", note.id)
    log_in(client, world.borrower)
    assert "Remboursé sur la carte" in page_text(client.get(f"/factures/{note.id}"))


def test_a_refund_the_provider_cannot_take_now_is_retried_by_sync(world, client, stripe_app, localstripe, runner):
    booking, invoice = _invoiced(world, 6000)
    _open_payment_page(client, world, invoice)
    localstripe.pay_with_test_card(_intent_id(invoice))
    runner.invoke(args=["payments", "sync"])
    stripe_app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nobody listens there
    cancel(db.session.get(Booking, booking.id), actor=world.manager)  # the venue cancels: all credited
    db.session.commit()
    sync = runner.invoke(args=["payments", "sync"])
    assert sync.exit_code == 1 and "1 pending" in sync.output
    (refund,) = db.session.scalars(select(Refund)).all()
    assert refund.status == RefundStatus.PENDING and refund.error
    stripe_app.config["STRIPE_API_BASE"] = localstripe.base
    sync = runner.invoke(args=["payments", "sync"])
    assert sync.exit_code == 0 and "1 refund(s) sent" in sync.output
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status == RefundStatus.SUCCEEDED


def test_without_the_keys_online_payment_is_off_and_offline_payment_still_works(world, client):
    _booking, invoice = _invoiced(world, 5000)
    log_in(client, world.borrower)
    page = client.get(f"/factures/{invoice.id}")
    assert "Payer en ligne" not in page_text(page)
    assert "Référence de virement" in page_text(page)
    off = client.get(f"/factures/{invoice.id}/payer", follow_redirects=True)
    assert "Le paiement en ligne n'est pas disponible" in page_text(off)
    assert client.post("/paiements/webhook/stripe", data=b"{}").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(OnlinePayment)) == 0


def _row(html: str, booking_id: int) -> str:
    match = re.search(rf'<tr id="booking-{booking_id}".*?</tr>', html, re.S)
    assert match, f"no row for booking {booking_id}"
    return match.group(0)


def test_the_payment_status_is_on_the_booking_page_the_members_bookings_and_the_desk(
    world, client, stripe_app, localstripe, runner
):
    booking, invoice = _invoiced(world, 5000)
    day = booking.starts_at.astimezone(storage.PARIS).date().isoformat()
    log_in(client, world.borrower)
    assert "à régler" in _row(client.get("/reservations/").get_data(as_text=True), booking.id)
    assert "À régler" in page_text(client.get(f"/reservations/{booking.id}"))
    client.get(f"/factures/{invoice.id}/payer")
    localstripe.pay_with_test_card(_intent_id(invoice))
    runner.invoke(args=["payments", "sync"])

    assert "réglé" in _row(client.get("/reservations/").get_data(as_text=True), booking.id)
    page = client.get(f"/reservations/{booking.id}")
    assert re.search(r'id="payment-status">Réglé', page.get_data(as_text=True))
    client.logout()
    log_in(client, world.manager)
    planning = client.get(f"/gestion/planning?lieu=la-briqueterie&jour={day}")
    assert planning.status_code == 200
    assert 'class="payment payment-paid">réglé' in planning.get_data(as_text=True)


def test_when_what_is_due_changes_the_old_intent_is_cancelled_and_a_new_one_asks_for_the_rest(
    world, client, stripe_app, localstripe
):
    _booking, invoice = _invoiced(world, 5000)
    _open_payment_page(client, world, invoice)
    first = _intent_id(invoice)
    payments.record_payment(
        db.session.get(Invoice, invoice.id), PaymentMethod.CASH, 2000, paris_today(), "", world.manager
    )
    db.session.commit()
    page = client.get(f"/factures/{invoice.id}/payer")
    assert "30,00" in page_text(page)
    db.session.expire_all()
    rows = db.session.scalars(select(OnlinePayment).order_by(OnlinePayment.id)).all()
    assert [(row.amount_cents, row.status) for row in rows] == [
        (5000, OnlinePaymentStatus.CANCELED),
        (3000, OnlinePaymentStatus.OPEN),
    ]
    assert localstripe.get(f"/v1/payment_intents/{first}")["status"] == "canceled"
    assert localstripe.get(f"/v1/payment_intents/{rows[1].intent_id}")["amount"] == 3000


def test_in_production_the_payment_pages_policy_opens_stripes_own_origins_only(app):
    app.config.update(
        STRIPE_SECRET_KEY="sk_live_x", STRIPE_PUBLISHABLE_KEY="pk_live_x", STRIPE_WEBHOOK_SECRET="whsec_x"
    )
    from app.billing import providers
    from app.billing.views import _payment_csp

    settings = providers.configured().browser_settings()
    assert settings["js_url"] == "https://js.stripe.com/v3/"
    policy = _payment_csp(settings)
    assert "script-src 'self' https://js.stripe.com https://*.js.stripe.com;" in policy
    assert "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;" in policy
    assert "connect-src 'self' https://api.stripe.com https://js.stripe.com;" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy


def test_an_event_ticket_is_paid_online_then_cancelled_early_and_refunded_through_stripe(
    world, client, stripe_app, localstripe, runner
):
    from app.core.clock import paris_to_utc
    from app.events import registrations, rules, tickets
    from app.events.models import RegistrationStatus

    day = paris_today() + timedelta(days=20)
    while day.weekday() >= 5:  # the venue opens on weekdays, 9:00–18:00
        day += timedelta(days=1)
    start = paris_to_utc(day, time(14))
    [event] = rules.create_event(
        rules.EventDraft(
            title="Concert de la Briqueterie",
            category=rules.ensure_categories()[0],
            resource=world.space,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=10,
            price_full_cents=1500,
            price_reduced_cents=800,
        ),
        world.manager,
    )
    registration = registrations.register(event, user=world.borrower, category="reduced")
    db.session.commit()
    invoice = db.session.get(Invoice, tickets.ticket_of(registration).invoice_id)
    assert invoice.total_cents == 800 and invoice.seller["name"] == "Association La Briqueterie"

    payment_page = _open_payment_page(client, world, invoice)  # the invoices' own Stripe payment page
    assert payment_page.status_code == 200
    localstripe.pay_with_test_card(_intent_id(invoice))
    assert "1 settled" in runner.invoke(args=["payments", "sync"]).output
    page = page_text(client.get(f"/programme/inscription/{registration.token}"))
    assert "Réglée" in page and f"Facture {invoice.number}" in page and "Payer en ligne" not in page

    registrations.cancel_registration(registration)  # 20 days ahead: all of it back
    db.session.commit()
    runner.invoke(args=["payments", "sync"])  # the refund, sent after the commit, or by the sync
    db.session.expire_all()
    assert registration.status == RegistrationStatus.CANCELLED
    (note,) = db.session.scalars(select(Invoice).where(Invoice.credits_id == invoice.id)).all()
    (refund,) = db.session.scalars(select(Refund).where(Refund.credit_note_id == note.id)).all()
    assert (note.total_cents, refund.amount_cents, refund.status) == (800, 800, RefundStatus.SUCCEEDED)
