"""Quotes: asked before booking or for a pending request, priced by the tariffs, numbered
D-<VENUE>-<year>-NNNN without gaps, valid for a set time, accepted online by their requester, and
their PDF/A read back with every mention (no Factur-X XML: Factur-X has no profile for a quote)."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, time, timedelta

import pikepdf
import pytest
from sqlalchemy import select

from app.billing import quotes
from app.billing.models import Quote
from app.bookings.forms import paris_input
from app.core.clock import PARIS, paris_today
from app.core.refusals import Refusal
from app.extensions import db
from app.models import Booking, BookingStatus, Tariff, TariffAudience, User
from tests.factories.agreements import make_booking
from tests.helpers import audit_actions, log_in, page_text, pdf_text


@pytest.fixture(autouse=True)
def _priced(world):
    """The space costs 25 € an hour, whoever books it."""
    for audience in TariffAudience:
        world.space.tariffs.append(Tariff(audience=audience, hour_cents=2500))
    db.session.flush()


def _slot(days: int = 20):
    """A weekday at 10:00 in Paris, about ``days`` days ahead: within the venue's opening hours."""
    day = paris_today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, time(10), tzinfo=PARIS).astimezone(UTC)
    return start, start + timedelta(hours=2)


def test_a_quote_before_booking_is_priced_numbered_valid_and_accepted_online(world, client):
    start, end = _slot()
    log_in(client, world.borrower)
    form = client.get(f"/devis/nouveau/{world.space.id}?debut={paris_input(start)}&fin={paris_input(end)}")
    assert form.status_code == 200
    response = client.submit(
        f"/devis/nouveau/{world.space.id}",
        {"starts_at": paris_input(start), "ends_at": paris_input(end)},
        follow_redirects=True,
    )
    text = page_text(response)
    assert response.status_code == 200, text[-1500:]
    db.session.expire_all()
    quote = db.session.scalars(select(Quote)).one()
    year = paris_today().year
    assert quote.number == f"D-LA-BRIQUETERIE-{year}-0001"
    assert f"Le devis {quote.number} est établi." in text
    assert quote.total_cents == 5000 and quote.seller["name"] == "Association La Briqueterie"
    assert quote.valid_until == paris_today() + timedelta(days=30)
    assert "En attente de votre accord" in text

    accepted = client.submit(f"/devis/{quote.id}/accepter", {}, page=f"/devis/{quote.id}", follow_redirects=True)
    db.session.expire_all()
    booking = db.session.get(Booking, quote.booking_id)  # accepting booked the slot, at the quoted price
    assert f"Vous avez accepté le devis {quote.number} : la réservation n° {booking.id} est faite." in page_text(
        accepted
    )
    assert (booking.starts_at, booking.ends_at, booking.price_cents) == (start, end, 5000)
    assert booking.requester_id == world.borrower.id
    assert "Accepter le devis" not in page_text(client.get(f"/devis/{quote.id}"))
    assert audit_actions("quote", quote.id) == ["issued", "accepted"]
    assert quote.number in page_text(client.get("/devis/"))


def test_bad_periods_are_refused_next_to_the_field_and_nothing_is_written(world, client):
    start, end = _slot()
    log_in(client, world.borrower)
    response = client.submit(
        f"/devis/nouveau/{world.space.id}", {"starts_at": paris_input(end), "ends_at": paris_input(start)}
    )
    assert response.status_code == 422
    assert "La fin doit venir après le début." in page_text(response)
    assert paris_input(end) in response.get_data(as_text=True)  # the form comes back filled
    assert db.session.scalars(select(Quote)).all() == []


def test_a_quote_expires_and_cannot_be_accepted_then(world, clock):
    start, end = _slot(60)
    quote = quotes.request_quote(world.space, world.borrower, start, end)
    db.session.commit()
    clock.shift(timedelta(days=31))
    assert quotes.is_expired(quote)
    with pytest.raises(quotes.QuoteRefused):
        quotes.accept(quote, world.borrower)
    with pytest.raises(quotes.QuoteRefused):
        quotes.accept(quote, world.manager)  # nor by anybody else


def test_a_quote_for_a_pending_request_and_not_for_an_approved_one(world, client):
    start, _end = _slot()
    pending = make_booking(world.space, world.borrower, start, 2, price_cents=5000)
    pending.status = BookingStatus.REQUESTED
    db.session.commit()
    log_in(client, world.borrower)
    page = client.get(f"/reservations/{pending.id}")
    assert "Demander un devis pour cette demande" in page_text(page)
    response = client.submit(f"/reservations/{pending.id}/devis", {}, page=f"/reservations/{pending.id}")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(Quote.booking_id)).one() == pending.id
    pending.status = BookingStatus.APPROVED
    db.session.commit()
    with pytest.raises(quotes.QuoteRefused):
        quotes.request_quote(world.space, world.borrower, pending.starts_at, pending.ends_at, booking=pending)


def test_numbers_have_no_gap_under_concurrent_requests(app_factory, world):
    start, end = _slot()
    space_id, borrower_id = world.space.id, world.borrower.id
    db.session.commit()  # and no read after it: on SQLite the test's transaction would hold the lock
    served = app_factory()
    errors: list[BaseException] = []

    def one() -> None:
        with served.app_context():
            from app.models import Resource, User

            try:
                quotes.request_quote(db.session.get(Resource, space_id), db.session.get(User, borrower_id), start, end)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Quote.sequence))) == list(range(1, 11))


def test_the_quote_pdf_is_pdf_a_with_every_mention(world, client):
    world.organisation.kind = "company"
    start, end = _slot()
    quote = quotes.request_quote(world.space, world.borrower, start, end)
    db.session.commit()
    log_in(client, world.borrower)
    response = client.get(f"/devis/{quote.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    text = pdf_text(data)
    for mention in (
        f"Devis n° {quote.number}",
        "Association La Briqueterie",
        "SIRET : 73282932000074",
        "Les Jardins Partagés",
        "TVA non applicable, art. 293 B du CGI",
        "Valable jusqu'au",
        "40 €",
        "Total TTC",
    ):
        assert mention in text, mention
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert not pdf.attachments  # no Factur-X XML: there is no quote profile


def test_the_venues_managers_list_its_quotes_and_others_do_not_see_them(world, client):
    start, end = _slot()
    quote = quotes.request_quote(world.space, world.borrower, start, end)
    db.session.commit()
    log_in(client, world.manager)
    listing = client.get("/gestion/lieux/la-briqueterie/devis")
    assert listing.status_code == 200 and quote.number in page_text(listing)
    assert client.get(f"/devis/{quote.id}").status_code == 200
    assert "Accepter le devis" not in page_text(client.get(f"/devis/{quote.id}"))
    client.logout()
    log_in(client, world.other_member)
    assert client.get(f"/devis/{quote.id}").status_code == 404


def test_accepting_a_quote_whose_slot_was_taken_gives_the_engines_reasons_and_it_stays_acceptable(world, client):
    start, end = _slot()
    quote = quotes.request_quote(world.space, world.borrower, start, end)
    taken = make_booking(world.space, world.other_member, start, 2, price_cents=5000)
    taken.status = BookingStatus.APPROVED
    db.session.commit()
    log_in(client, world.borrower)
    response = client.submit(f"/devis/{quote.id}/accepter", {}, page=f"/devis/{quote.id}", follow_redirects=True)
    text = page_text(response)
    assert "Le créneau de ce devis ne peut plus être réservé" in text
    assert "déjà réservé" in text or "réserv" in text.split("Le créneau de ce devis ne peut plus être réservé")[1]
    db.session.expire_all()
    assert quote.accepted_at is None and quote.booking_id is None  # nothing half-written
    assert db.session.scalars(select(Booking).where(Booking.requester_id == world.borrower.id)).all() == []
    assert "Accepter le devis" in text  # still acceptable once the slot is free again

    world.borrower.locale = "en"  # the engine's reasons in English too
    db.session.commit()
    english = client.submit(f"/devis/{quote.id}/accepter", {}, page=f"/devis/{quote.id}", follow_redirects=True)
    assert "can no longer be booked" in page_text(english)

    taken.status = BookingStatus.CANCELLED
    db.session.commit()
    booking = quotes.accept(quote, world.borrower)
    db.session.commit()
    assert booking.price_cents == 5000 and quote.booking_id == booking.id


def test_a_quote_for_a_pending_request_accepts_its_price_and_books_nothing_more(world):
    start, _end = _slot()
    pending = make_booking(world.space, world.borrower, start, 2, price_cents=5000)
    pending.status = BookingStatus.REQUESTED
    db.session.flush()
    quote = quotes.request_quote(world.space, world.borrower, pending.starts_at, pending.ends_at, booking=pending)
    db.session.commit()
    assert quotes.accept(quote, world.borrower) == pending
    db.session.commit()
    assert db.session.scalars(select(Booking)).all() == [pending]
    with pytest.raises(quotes.QuoteRefused):
        quotes.accept(quote, world.borrower)  # once


def test_concurrent_acceptances_book_the_slot_once(app_factory, world):
    start, end = _slot()
    quote = quotes.request_quote(world.space, world.borrower, start, end)
    quote_id, borrower_id, space_id = quote.id, world.borrower.id, world.space.id
    db.session.commit()  # and no read after it: on SQLite the test's transaction would hold the lock
    application = app_factory()
    results, barrier = [], threading.Barrier(4)

    def accept_once():
        with application.app_context():
            barrier.wait()
            try:
                quotes.accept(db.session.get(Quote, quote_id), db.session.get(User, borrower_id))
                db.session.commit()
                results.append("booked")
            except Refusal:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked", "refused", "refused", "refused"]
    db.session.expire_all()
    assert len(db.session.scalars(select(Booking).where(Booking.resource_id == space_id)).all()) == 1
