"""Online payment in real Chromium against localstripe on loopback: a member books the meeting
room, the booking is approved and invoiced, the member pays online on the payment page (Stripe.js
is localstripe's stand-in, allowed by the page's CSP alone), the signed webhook marks the invoice
and the booking paid, the member cancels, the credit note is refunded through Stripe.

localstripe's Stripe.js has no ``confirmPayment`` (its ``elements.create`` shows its own card
fields): the card is typed in those fields, then confirmed through localstripe's API with the test
card 4242 4242 4242 4242, as the real Stripe.js would do from the page (``tests.factories.localstripe``).
"""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app.billing.models import DocumentKind, Invoice, OnlinePayment, Refund, RefundStatus
from app.extensions import db
from app.models import Booking, PaymentStatus
from tests.factories import PASSWORD
from tests.factories.agreements import approve
from tests.factories.billing import make_identity
from tests.factories.bookings import build_world, monday_ahead
from tests.factories.localstripe import TEST_CARD, wait_for
from tests.helpers import assert_no_axe_violations, browser_page, read_from_database


@pytest.fixture()
def stripe_server(app_factory, app, localstripe):
    settings = localstripe.settings()
    app.config.update(settings)
    served = app_factory(WTF_CSRF_ENABLED=True, **settings)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    localstripe.send_webhooks_to(f"{base}/paiements/webhook/stripe")
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _local(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def test_book_pay_online_webhook_paid_cancel_credit_note_refund(browser, stripe_server, localstripe):
    world = build_world()
    make_identity(world.venue, legal_name="Association La Machinerie")
    db.session.commit()
    room_id, email, manager_id = read_from_database(lambda: (world.room.id, world.member.email, world.manager.id))
    monday = monday_ahead()

    with browser_page(browser, stripe_server) as page:
        # Book: two hours of the meeting room, 20 € for a member of the consortium.
        url = f"/ressources/{room_id}/reserver?debut={_local(monday, 10)}&fin={_local(monday, 12)}"
        page.goto("/compte/connexion?next=" + url.replace("&", "%26").replace("?", "%3F"))
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_label("Objet de la réservation").fill("Assemblée générale")
        page.get_by_role("button", name="Réserver", exact=True).click()
        expect(page.get_by_text("Votre demande est enregistrée")).to_be_visible()
        booking_id = read_from_database(lambda: db.session.scalar(select(Booking.id)))

        # The venue approves it (the engine's approval): the invoice is issued in that transaction.
        def approve_it():
            approve(db.session.get(Booking, booking_id), actor=db.session.get(type(world.manager), manager_id))

        read_from_database(approve_it)
        number = read_from_database(lambda: db.session.scalar(select(Invoice.number)))

        page.goto("/factures/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes factures")
        page.get_by_role("link", name=f"Facture {number}").click()
        expect(page.get_by_text("À régler")).to_be_visible()
        page.get_by_role("link", name=re.compile(r"^Payer en ligne \(20,00")).click()

        # The payment page: localstripe's Stripe.js loaded (a CSP violation would fail the test).
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Payer la facture {number}")
        element = page.locator("#payment-element")
        expect(element).to_contain_text("localstripe:")
        element.get_by_placeholder("number").fill(TEST_CARD)
        element.get_by_placeholder("exp_month").fill("12")
        element.get_by_placeholder("exp_year").fill("30")
        element.get_by_placeholder("cvc").fill("123")
        element.get_by_placeholder("postal_code").fill("80000")
        intent_id = read_from_database(lambda: db.session.scalar(select(OnlinePayment.intent_id)))
        assert localstripe.pay_with_test_card(intent_id)["amount"] == 2000  # what confirmPayment would do

        # The webhook marks the invoice, and the booking, paid.
        wait_for(
            lambda: (
                db.session.scalar(select(Booking.payment_status).where(Booking.id == booking_id)) == PaymentStatus.PAID
            )
        )
        page.get_by_role("button", name=re.compile(r"^Payer 20,00")).click()
        expect(page.get_by_text("Merci : votre paiement est reçu.")).to_be_visible()
        expect(page.get_by_text("Réglée", exact=True)).to_be_visible()
        expect(page.get_by_text("Carte (en ligne)")).to_be_visible()
        assert_no_axe_violations(page, "invoice paid online")

        # The booking's page says it is paid; the member cancels it, a month ahead or not, from there.
        page.goto(f"/reservations/{booking_id}")
        expect(page.locator("dd", has_text="Réglé")).to_be_visible()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Annuler la réservation").click()
        expect(page.get_by_text("est annulée")).to_be_visible()

        # The credit note, and its refund through Stripe.
        note = read_from_database(
            lambda: db.session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.CREDIT_NOTE)).one().number
        )
        status, amount = read_from_database(
            lambda: db.session.execute(select(Refund.status, Refund.amount_cents)).one()
        )
        assert status == RefundStatus.SUCCEEDED
        (at_stripe,) = localstripe.get(f"/v1/refunds?payment_intent={intent_id}")["data"]
        assert at_stripe["amount"] == amount > 0
        page.goto("/factures/")
        page.get_by_role("link", name=f"Avoir {note}").click()
        expect(page.locator("#refunds")).to_contain_text("Remboursé sur la carte")
        assert_no_axe_violations(page, "credit note refunded")
