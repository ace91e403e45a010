"""The notices of an event's space to the venue's managers, through the outbox and a real SMTP
server on loopback: the space booked (one message for a series), moved with the event, freed when
it is cancelled; in each manager's language, never the booking engine's request emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.bookings.service import Frequency, Refusal, Repetition
from app.events import registrations, rules
from app.extensions import db
from app.models import VenueRole
from app.notifications.models import OutboxMessage
from app.notifications.outbox import send_due
from tests.events.conftest import build_events_world, draft, evening
from tests.factories import add_membership, make_user

pytestmark = pytest.mark.usefixtures("mail_app")


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _outbox_count() -> int:
    """Read in a transaction that ends at once (on SQLite it would hold the sender's write lock)."""
    count = db.session.scalar(select(db.func.count(OutboxMessage.id))) or 0
    db.session.commit()
    return count


def _world():
    world = build_events_world()
    french = make_user("gestion-fr@test.example", "Ana Roux")
    english = make_user("gestion-en@test.example", "Sam Lee")
    english.locale = "en"
    for user in (french, english):
        add_membership(user, world.venue, VenueRole.MANAGER)
    db.session.commit()
    return world, french, english


def test_the_venues_managers_hear_of_an_events_space_in_their_language(smtp):
    world, french, english = _world()
    smtp.start()

    [event] = rules.create_event(draft(world, *evening(10), title="Atelier vélo"), world.manager)
    registrations.register(event, name="Cy", email="cy@test.example", consent=True)
    db.session.commit()
    assert send_due().sent == 3  # both other managers, and the confirmation to Cy
    assert smtp.to(world.manager.email) == []  # the manager who acted is not told
    (booked_fr,) = smtp.to(french.email)
    assert booked_fr["Subject"] == "Évènement à La Maison du Colonel : Atelier vélo, Grande salle réservé"
    assert booked_fr["Content-Language"] == "fr"
    text = _text(booked_fr)
    assert "Bonjour Ana Roux," in text and "Noa Bernard a créé l'évènement « Atelier vélo » (Apéro tiers-lieux)" in text
    assert "Ce n'est pas une demande de réservation" in text and f"/gestion/evenements/{event.id}/inscrits" in text
    (booked_en,) = smtp.to(english.email)
    assert booked_en["Subject"] == "Event at La Maison du Colonel: Atelier vélo, Grande salle booked"
    assert booked_en["Content-Language"] == "en"
    assert "Noa Bernard created the event “Atelier vélo” (Tiers-lieux get-together)" in _text(booked_en)
    assert not any("Demande de réservation" in m["Subject"] for m in smtp.messages)

    # Its times move: the booking moves with it, and the managers are told before and after.
    start, end = evening(11, hour=18)
    rules.update_event(event, draft(world, start, end, title="Atelier vélo"), world.manager)
    db.session.commit()
    send_due()
    moved_fr = smtp.to(french.email)[-1]
    assert moved_fr["Subject"] == "Évènement déplacé : Atelier vélo, la réservation de Grande salle suit"
    assert "Avant :" in _text(moved_fr) and "Maintenant :" in _text(moved_fr)
    moved_en = smtp.to(english.email)[-1]
    assert moved_en["Subject"] == "Event moved: Atelier vélo, its booking of Grande salle follows"

    # Cancelled: the space is freed, with the reason and how many were told.
    rules.cancel_event(event, world.manager, "Intervenant malade")
    db.session.commit()
    send_due()
    freed_fr = smtp.to(french.email)[-1]
    assert freed_fr["Subject"] == "Évènement annulé : Atelier vélo, Grande salle libéré"
    assert "Motif : Intervenant malade" in _text(freed_fr) and "1 personne inscrite est prévenue." in _text(freed_fr)
    freed_en = smtp.to(english.email)[-1]
    assert freed_en["Subject"] == "Event cancelled: Atelier vélo, Grande salle freed"
    assert "1 registered person has been told." in _text(freed_en)
    assert len(smtp.to(french.email)) == len(smtp.to(english.email)) == 3
    assert smtp.to(world.manager.email) == []


def test_a_series_makes_one_notice_and_a_refusal_makes_none(smtp):
    world, french, _english = _world()
    smtp.start()
    start, end = evening(10)
    rules.create_event(draft(world, start, end), world.manager, repetition=Repetition(Frequency.MONTHLY, count=3))
    db.session.commit()
    send_due()
    (notice,) = smtp.to(french.email)
    assert "à ces 3 dates" in _text(notice) and _text(notice).count("\n- ") == 3

    # A colliding event is refused: nothing is written, nothing is sent.
    before = _outbox_count()
    with pytest.raises(Refusal):
        rules.create_event(draft(world, start + timedelta(minutes=30), end, title="Doublon"), world.manager)
    db.session.rollback()
    assert _outbox_count() == before
    assert send_due().sent == 0 and len(smtp.to(french.email)) == 1
