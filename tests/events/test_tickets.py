"""Paid tickets: a registration to a paid event is invoiced by the event's venue, its seat held
unpaid for a while then released to the waitlist, paid offline or online, and credited (and
refunded) by the cancellation rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.billing import payments
from app.billing.models import DocumentKind, Invoice, PaymentMethod
from app.core.clock import paris_today, utcnow
from app.events import registrations, rules, tickets
from app.events.models import RegistrationStatus
from app.events.rules import EventRefused
from app.extensions import db
from app.models import Audience
from app.notifications.reminders import send_reminders
from tests.events.conftest import draft, evening
from tests.factories import make_organisation, make_user
from tests.factories.billing import make_identity
from tests.helpers import log_in, page_text

PRICES = {"price_full_cents": 1200, "price_reduced_cents": 600, "price_member_cents": 500}


@pytest.fixture()
def paid(world):
    make_identity(world.venue, legal_name="Association La Maison du Colonel")
    [event] = rules.create_event(draft(world, *evening(10), capacity=1, **PRICES), world.manager)
    db.session.commit()
    return event


def _invoices(kind: DocumentKind | None = None) -> list[Invoice]:
    db.session.expire_all()
    query = select(Invoice).order_by(Invoice.id)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    return list(db.session.scalars(query))


def _outsider(email: str = "visiteur@test.example", name: str = "Alex Visiteur"):
    return make_user(email, name, organisation=make_organisation(f"Société {name}", audience=Audience.EXTERNAL))


def test_a_paid_registration_is_invoiced_by_the_events_venue_and_its_seat_held(world, paid, outbox):
    registration = registrations.register(paid, user=world.member, category="member")
    db.session.commit()
    (invoice,) = _invoices()
    assert invoice.venue_id == world.venue.id and invoice.seller["name"] == "Association La Maison du Colonel"
    assert invoice.buyer_id == world.member.id and invoice.total_cents == 500
    (line,) = invoice.lines
    assert (line.source_type, line.source_id) == ("event_ticket", registration.id)
    assert line.description.startswith("Billet tarif membre : Apéro tiers-lieux")
    ticket = tickets.ticket_of(registration)
    assert ticket.invoice_id == invoice.id
    assert ticket.held_until == utcnow() + timedelta(hours=24)
    assert any(f"Facture {invoice.number}" in message["Subject"] for message in outbox.messages())


def test_a_paid_event_needs_an_account_and_the_member_price_is_for_members(world, paid):
    with pytest.raises(EventRefused) as refused:
        registrations.register(paid, name="Alex", email="alex@test.example", consent=True)
    assert refused.value.reasons[0].code == "account"
    with pytest.raises(EventRefused) as refused:
        registrations.register(paid, user=_outsider(), category="member")
    assert refused.value.reasons[0].field == "category"
    with pytest.raises(EventRefused):
        registrations.register(paid, user=_outsider("b@test.example", "B"), category="vip")
    db.session.rollback()
    assert _invoices() == []


def test_an_unpaid_seat_is_released_to_the_waitlist_who_is_invoiced_then(world, paid, clock, outbox):
    first = registrations.register(paid, user=_outsider(), category="full")
    second = registrations.register(paid, user=world.member, category="reduced")
    db.session.commit()
    assert (first.status, second.status) == (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    assert len(_invoices()) == 1  # the waitlist is invoiced only when it moves up

    clock.shift(timedelta(hours=23))
    assert send_reminders()["ticket_hold_released"] == 0
    clock.shift(timedelta(hours=2))
    assert send_reminders()["ticket_hold_released"] == 1
    db.session.commit()
    db.session.expire_all()
    assert first.status == RegistrationStatus.CANCELLED and second.status == RegistrationStatus.CONFIRMED
    invoice, note, promoted = _invoices()
    assert note.kind == DocumentKind.CREDIT_NOTE and note.credits_id == invoice.id and note.total_cents == 1200
    assert payments.balance(invoice).due_cents == 0
    assert promoted.buyer_id == world.member.id and promoted.total_cents == 600
    assert tickets.ticket_of(second).held_until == utcnow() + timedelta(hours=24)
    assert any("Place libérée faute de paiement" in message["Subject"] for message in outbox.messages())
    assert send_reminders()["ticket_hold_released"] == 0


def test_a_payment_keeps_the_seat_and_a_late_cancellation_credits_half(world, paid, clock):
    registration = registrations.register(paid, user=world.member, category="full")
    db.session.commit()
    (invoice,) = _invoices()
    payments.record_payment(invoice, PaymentMethod.CASH, 1200, paris_today(), "", world.manager)
    db.session.commit()
    clock.shift(timedelta(days=2))
    assert send_reminders()["ticket_hold_released"] == 0
    db.session.commit()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert payments.state_of(invoice) == payments.InvoiceState.PAID

    clock.move_to(paid.starts_at - timedelta(hours=24))  # less than 48 hours before: the venue keeps half
    registrations.cancel_registration(registration)
    db.session.commit()
    _invoice, note = _invoices()
    assert note.credits_id == invoice.id and note.total_cents == 600


def test_cancelling_the_event_credits_every_ticket_in_full(world, paid):
    registrations.register(paid, user=world.member, category="full")
    db.session.commit()
    rules.cancel_event(paid, world.manager, "Intempéries")
    db.session.commit()
    invoice, note = _invoices()
    assert note.credits_id == invoice.id and note.total_cents == 1200


def test_the_event_page_offers_the_prices_and_the_registration_page_shows_the_payment(world, paid, client):
    anonymous = page_text(client.get(f"/programme/{paid.id}"))
    assert "Connectez-vous pour prendre un billet" in anonymous
    log_in(client, world.member)
    page = page_text(client.get(f"/programme/{paid.id}"))
    assert "Tarif membre : 5,00" in page and "Plein tarif : 12,00" in page
    response = client.submit(
        f"/programme/{paid.id}/inscription",
        {"membre": "1", "tarif": "member"},
        page=f"/programme/{paid.id}",
        follow_redirects=True,
    )
    text = page_text(response)
    (invoice,) = _invoices()
    assert f"Facture {invoice.number}" in text and "À régler" in text
    assert "Votre place vous est gardée jusqu'au" in text and "Payer en ligne" in text
