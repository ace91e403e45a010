"""The outbox with a real SMTP server on loopback: who gets what, in which language, exactly once."""

from __future__ import annotations

import itertools
import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.agreements.models import Agreement, agreement_bookings
from app.bookings.service import (
    approve,
    cancel,
    edit_booking,
    join_waitlist,
    refuse_change,
    reject,
    request_booking,
)
from app.extensions import db
from app.models import User, VenueRole, utcnow
from app.notifications import send_email
from app.notifications.models import MessageStatus, OutboxMessage
from app.notifications.outbox import _claim, run_worker, send_due
from tests.factories import add_membership, make_user
from tests.factories.bookings import NOW, build_world, paris

pytestmark = pytest.mark.usefixtures("mail_app")


def _rows():
    """The outbox as it stands, read in a transaction that ends at once (on SQLite every
    transaction holds the write lock, which a sender would wait for)."""
    rows = db.session.execute(select(OutboxMessage.__table__).order_by(OutboxMessage.id)).all()
    db.session.commit()
    return rows


def deliver():
    """Commit the change, then run a sender once."""
    db.session.commit()
    return send_due()


def _booking_mail(messages, word: str):
    """The one message whose subject has ``word`` (agreements write their own emails too)."""
    (found,) = [message for message in messages if word in message["Subject"]]
    return found


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_each_booking_event_reaches_the_right_people_in_their_language(smtp):
    world = build_world()
    world.member.locale = "en"
    second_manager = make_user("gestion2@test.example", "Ana Roux")
    add_membership(second_manager, world.venue, VenueRole.MANAGER)
    db.session.commit()
    smtp.start()

    booking = request_booking(
        world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), purpose="Atelier couture", now=NOW
    )
    assert deliver().sent == 2
    for manager in (world.manager, second_manager):
        (request_mail,) = smtp.to(manager.email)
        assert request_mail["Subject"] == "Demande de réservation à examiner : Salle de réunion"
        assert request_mail["Content-Language"] == "fr"
        text = _text(request_mail)
        assert f"Bonjour {manager.name}," in text
        assert "Camille Martin demande à réserver" in text and "Atelier couture" in text
        assert "lundi 29 mars 2027, 10:00 – 12:00" in text
        assert 'lang="fr"' in _html(request_mail) and '<a href="http://' in _html(request_mail)
        assert "<span lang=" not in _html(request_mail)  # a French email needs no marked part
    assert smtp.to(world.member.email) == [] and smtp.to(world.other_manager.email) == []

    approve(booking, world.manager, note="Clés à l'accueil", now=NOW)
    deliver()
    approved = _booking_mail(smtp.to(world.member.email), "Booking approved: Salle de réunion")
    assert approved["Content-Language"] == "en"
    text = _text(approved)
    assert text.startswith("Hello Camille Martin,")  # the English catalogue's greeting
    assert "(La Machinerie): Monday, 29 March 2027, 10:00 – 12:00" in text  # British English, no space before ":"
    assert "Clés à l'accueil" in text
    assert f"/agenda/reservations/{booking.id}.ics" in text
    assert 'lang="en-GB"' in _html(approved)
    # French content in the English email is marked as such in its HTML part, and nowhere else.
    assert '<span lang="fr">Salle de réunion</span> (<span lang="fr">La Machinerie</span>)' in _html(approved)
    assert not re.search("[\ue000\ue001]", text + approved["Subject"] + _html(approved))
    assert "Your notifications: http://127.0.0.1:5000/compte/notifications" in text  # every email's footer
    assert len(smtp.to(world.manager.email)) == 1  # the manager who approved is not told about it

    told = len(smtp.to(world.member.email))
    change = edit_booking(booking, world.member, ends_at=paris(2027, 3, 29, 13), now=NOW).pending_change  # longer
    deliver()
    assert len(smtp.to(world.member.email)) == told  # nothing changed for the member yet
    for manager in (world.manager, second_manager):
        # One email that says what is asked and that the booking holds meanwhile.
        (change_mail,) = smtp.to(manager.email)[1:]
        assert change_mail["Subject"] == "Modification à examiner : Salle de réunion"
        assert "Avant : lundi 29 mars 2027, 10:00 – 12:00" in _text(change_mail)
        assert "Demandé : lundi 29 mars 2027, 10:00 – 13:00" in _text(change_mail)
        assert "reste validée telle quelle" in _text(change_mail)

    refuse_change(change, world.manager, "La salle est prise à 12 h.", now=NOW)
    deliver()
    (refused,) = [m for m in smtp.to(world.member.email) if "La salle est prise à 12 h." in _text(m)]
    assert refused["Content-Language"] == "en"

    other = request_booking(world.room, world.member, paris(2027, 3, 30, 10), paris(2027, 3, 30, 12), now=NOW)
    reject(other, world.manager, "La salle est repeinte ce jour-là.", now=NOW)
    deliver()
    rejected = _booking_mail(smtp.to(world.member.email), "Booking rejected: Salle de réunion")
    assert "La salle est repeinte ce jour-là." in _text(rejected)


def test_a_series_makes_one_email_and_a_freed_slot_is_offered_to_the_waiting_member(smtp):
    from app.bookings.service import Frequency, Repetition, request_series

    world = build_world()
    db.session.commit()
    smtp.start()
    request_series(
        world.room,
        world.member,
        paris(2027, 3, 2, 14),
        paris(2027, 3, 2, 16),
        Repetition(Frequency.WEEKLY, count=3),
        purpose="Répétitions",
        now=NOW,
    )
    deliver()
    (request_mail,) = smtp.to(world.manager.email)
    assert request_mail["Subject"] == "3 demandes de réservation à examiner : Salle de réunion"
    text = _text(request_mail)
    assert all(day in text for day in ("mardi 2 mars 2027", "mardi 9 mars 2027", "mardi 16 mars 2027"))

    booking = request_booking(world.room, world.other_member, paris(2027, 3, 30, 10), paris(2027, 3, 30, 12), now=NOW)
    approve(booking, world.manager, now=NOW)
    join_waitlist(world.room, world.member, paris(2027, 3, 30, 10), paris(2027, 3, 30, 11), now=NOW)
    db.session.commit()
    cancel(booking, world.other_member, "Empêchement", now=NOW)
    deliver()
    offer = _booking_mail(smtp.to(world.member.email), "Un créneau s'est libéré")
    assert "mardi 30 mars 2027, 10:00 – 11:00" in _text(offer)
    assert _booking_mail(smtp.to(world.other_member.email), "Réservation annulée")
    cancelled_for_venue = _booking_mail(smtp.to(world.manager.email), "annulée par Dominique Petit")
    assert "Empêchement" in _text(cancelled_for_venue)


def test_a_change_that_fails_leaves_no_message(smtp):
    world = build_world()
    db.session.commit()
    smtp.start()

    request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    send_email(world.member.email, "Bienvenue", "Bonjour")
    db.session.add(User(email=world.manager.email, name="Doublon", password_hash="-"))  # the address is taken
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _rows() == []
    assert send_due().handled == 0 and smtp.messages == []


def test_mail_server_down_then_up_every_message_delivered_exactly_once(smtp):
    world = build_world()
    people = [world.member, world.partner, world.outsider, world.manager, world.coordinator]
    addresses = {person.email for person in people}
    for person in people:
        send_email(person.email, "Information", f"Bonjour {person.name}")
    db.session.commit()
    queued = {row.message_id for row in _rows()}

    down = send_due()  # nobody listens on the port
    assert (down.sent, down.retried) == (0, 5)
    rows = _rows()
    assert all(row.status == MessageStatus.PENDING and row.attempts == 1 for row in rows)
    assert all("ConnectionRefusedError" in row.last_error for row in rows)
    assert send_due().handled == 0  # not due again yet

    smtp.start()
    later = utcnow() + timedelta(seconds=2)
    assert send_due(clock=lambda: later).sent == 5
    assert sorted(smtp.message_ids) == sorted(queued)
    assert {recipients[0] for recipients, _ in smtp.received} == addresses
    assert send_due(clock=lambda: later + timedelta(days=1)).handled == 0
    assert len(smtp.messages) == 5
    assert all(row.status == MessageStatus.SENT and row.sent_at is not None for row in _rows())


def test_one_pass_longer_than_the_retry_delay_tries_each_message_once(smtp):
    """A pass against a dead mail server does not go back to the messages it has just tried,
    however long it lasts (here every look at the clock is 10 s later; retries wait 1 s)."""
    for number in range(3):
        send_email(f"personne{number}@test.example", f"Message {number}", "Bonjour")
    db.session.commit()
    start, ticks = utcnow(), itertools.count()
    report = send_due(clock=lambda: start + timedelta(seconds=10 * next(ticks)))  # nobody listens on the port
    assert (report.sent, report.retried, report.dead) == (0, 3, 0)
    assert [(row.status, row.attempts) for row in _rows()] == [(MessageStatus.PENDING, 1)] * 3


def test_two_senders_at_once_send_each_message_once(mail_app, smtp):
    for number in range(30):
        send_email(f"personne{number}@test.example", f"Message {number}", "Bonjour")
    db.session.commit()
    smtp.delay = 0.005  # each message takes a moment: the two senders overlap
    smtp.start()

    reports = []

    def sender():
        with mail_app.app_context():
            reports.append(send_due())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(report.sent for report in reports) == 30
    assert len(smtp.message_ids) == 30 and len(set(smtp.message_ids)) == 30
    assert {row.status for row in _rows()} == {MessageStatus.SENT}


def test_retries_wait_longer_each_time_then_the_message_is_dead_and_shown_to_coordinators(mail_app, smtp):
    from tests.factories import PASSWORD
    from tests.helpers import BrowserLikeClient

    world = build_world()
    send_email("inconnu@test.example", "Votre réservation", "Bonjour")
    db.session.commit()
    smtp.reply = "451 4.3.0 Réessayez plus tard"
    smtp.start()

    moment = utcnow()
    waits = []
    for _ in range(4):
        send_due(clock=lambda at=moment: at)
        (row,) = _rows()
        if row.status == MessageStatus.PENDING:
            waits.append((row.next_attempt_at - moment).total_seconds())
            moment = row.next_attempt_at
    assert waits == [1, 2, 4]  # doubled each time (OUTBOX_RETRY_SECONDS=1)
    assert row.status == MessageStatus.DEAD and row.attempts == 4
    assert "451" in row.last_error

    mail_app.test_client_class = BrowserLikeClient
    client = mail_app.test_client()
    client.login(world.member.email, PASSWORD)
    assert client.get("/gestion/coordination/courriels").status_code == 403
    client.logout()
    client.login(world.coordinator.email, PASSWORD)
    page = client.get("/gestion/coordination/courriels").get_data(as_text=True)
    assert "inconnu@test.example" in page and "451" in page

    smtp.reply = None
    response = client.submit(
        f"/gestion/coordination/courriels/{row.id}/renvoyer", page="/gestion/coordination/courriels"
    )
    assert response.status_code == 303
    assert send_due().sent == 1
    assert [message["To"] for message in smtp.messages] == ["inconnu@test.example"]
    assert "Aucun message en échec." in client.get("/gestion/coordination/courriels").get_data(as_text=True)


def test_an_address_refused_for_good_is_not_tried_again(smtp):
    smtp.unknown.add("personne@nulle-part.example")
    smtp.start()
    send_email("personne@nulle-part.example", "Bonjour", "Bonjour")
    db.session.commit()
    report = send_due()
    assert (report.dead, report.retried) == (1, 0)
    (row,) = _rows()
    assert row.status == MessageStatus.DEAD and row.attempts == 1 and "550" in row.last_error


def test_a_sender_that_died_while_sending_is_relieved_after_its_lease(smtp):
    send_email("camille@test.example", "Bonjour", "Bonjour")
    db.session.commit()
    with Session(db.engine, expire_on_commit=False, autobegin=False) as crashed:
        assert _claim(crashed, utcnow(), utcnow(), None) is not None  # claimed, then the process died
    smtp.start()
    assert send_due().handled == 0  # its lease still runs: nobody else sends it
    assert send_due(clock=lambda: utcnow() + timedelta(seconds=61)).sent == 1
    (row,) = _rows()
    assert row.status == MessageStatus.SENT and row.attempts == 2
    assert len(smtp.messages) == 1


def test_a_manager_who_chose_the_daily_digest_gets_one_email_a_day(mail_app, smtp):
    world = build_world()
    world.manager.daily_digest = True
    db.session.commit()
    smtp.start()
    request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    request_booking(world.kit, world.partner, paris(2027, 3, 30, 10), paris(2027, 3, 30, 12), now=NOW)
    deliver()
    assert smtp.to(world.manager.email) == []
    assert [row.status for row in _rows() if row.to_address == world.manager.email] == ["held", "held"]

    runner = mail_app.test_cli_runner()
    assert "1 résumé(s)" in runner.invoke(args=["notifications", "digest"]).output
    assert "1 envoyé(s)" in runner.invoke(args=["outbox", "send"]).output
    (digest,) = smtp.to(world.manager.email)
    assert digest["Subject"] == "Votre résumé FNT Partage : 2 messages"
    text = _text(digest)
    assert "Camille Martin demande à réserver" in text and "Alex Durand demande à réserver" in text
    assert text.count("Bonjour Noa Bernard,") == 1  # one greeting, not one per message
    assert "0 résumé(s)" in runner.invoke(args=["notifications", "digest"]).output

    # RFC 8058: the digest can be left in one click, by the mail client, without logging in.
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = re.fullmatch(r"<(http://127\.0\.0\.1:5000(/courriels/desabonnement/[^>]+))>", digest["List-Unsubscribe"])
    assert address is not None
    mail_client = mail_app.test_client()
    assert mail_client.post(address.group(2) + "x", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    page = mail_client.get(address.group(2))
    assert page.status_code == 200 and "Ne plus recevoir ces e-mails" in page.get_data(as_text=True)
    assert mail_client.post(address.group(2), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.refresh(world.manager)
    assert world.manager.venue_messages_off is True and world.manager.daily_digest is False
    request_booking(world.room, world.member, paris(2027, 3, 31, 10), paris(2027, 3, 31, 12), now=NOW)
    deliver()
    assert [row for row in _rows() if row.to_address == world.manager.email and row.status == "held"] == []
    assert len(smtp.to(world.manager.email)) == 1  # nothing more about the venue


def test_an_email_written_once_the_change_has_committed_is_kept_too(smtp):
    """Features that write their emails from an after-commit hook do not lose them."""
    world = build_world()
    db.session.commit()
    event.listen(
        db.session(),
        "after_commit",
        lambda session: send_email("tard@test.example", "Après coup", "Bonjour"),
        once=True,
    )
    world.member.phone = "06 00 00 00 00"
    db.session.commit()
    (row,) = _rows()
    assert row.status == MessageStatus.PENDING and row.to_address == "tard@test.example"
    smtp.start()
    assert send_due().sent == 1 and smtp.messages[0]["Subject"] == "Après coup"


def test_the_worker_sends_messages_as_they_come_and_stops_when_asked(mail_app, smtp):
    smtp.start()
    stop = threading.Event()

    def worker():
        with mail_app.app_context():
            run_worker(stop, poll_seconds=0.05)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        for number in (1, 2):
            send_email("camille@test.example", f"Message {number}", "Bonjour")
            db.session.commit()
            arrived = smtp.wait_for(number)
            assert [message["Subject"] for message in arrived] == [f"Message {n}" for n in range(1, number + 1)]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_request_whose_change_sends_an_email_never_waits_for_the_mail_server(mail_app, smtp):
    """With a mail server configured, the page answers once the change and its email are
    committed; the server is not even contacted (so a slow or dead one cannot hold the request,
    nor SQLite's write lock): the sender delivers afterwards."""
    from tests.helpers import BrowserLikeClient

    smtp.delay = 30.0  # were the request to send, it would wait half a minute
    smtp.start()
    mail_app.test_client_class = BrowserLikeClient
    client = mail_app.test_client()
    build_world()
    db.session.commit()
    response = client.submit("/compte/mot-de-passe-oublie", {"email": "membre@test.example"})
    assert response.status_code == 303
    (row,) = _rows()
    assert row.status == MessageStatus.PENDING and row.attempts == 0 and row.to_address == "membre@test.example"
    assert smtp.messages == []
    smtp.delay = 0.0
    assert send_due().sent == 1 and smtp.to("membre@test.example")


def test_message_ids_carry_the_service_host_name(smtp):
    from flask import current_app

    current_app.config["BASE_URL"] = "https://partage.la-machinerie.fr"  # the app of this test alone
    send_email("membre@example.org", "Information", "Bonjour")
    db.session.commit()
    smtp.start()
    assert send_due().sent == 1
    assert smtp.message_ids[0].endswith("@partage.la-machinerie.fr>")


def test_a_long_subject_with_accents_arrives_with_every_space(smtp):
    smtp.start()
    subjects = [
        "Demande de réservation à examiner : Fraiseuse numérique CNC, mardi 2 mars 2027 de 10:00 à 12:00",
        "Réservation validée : Découpeuse laser de l'atelier numérique, « Fraiseuse numérique CNC » et "
        "kit vidéo, La Machinerie, lundi 1er mars 2027",
        "Votre réservation « Fraiseuse numérique CNC » est confirmée pour la séance de création partagée "
        "du mardi 2 mars 2027 à La Machinerie (Amiens)",
    ]
    for subject in subjects:
        send_email("membre@test.example", subject, "Bonjour")
    assert deliver().sent == len(subjects)
    received = smtp.wait_for(len(subjects))
    assert sorted(str(message["Subject"]) for message in received) == sorted(subjects)


def test_our_own_reasons_for_a_failed_message_are_shown_in_the_readers_language(app):
    from app.core.i18n import speaking
    from app.notifications.outbox import LEASE_EXPIRED, error_text

    with app.test_request_context():
        with speaking("en"):
            assert error_text(LEASE_EXPIRED) == "Interrupted while sending (timed out)."
            assert error_text("550 5.1.1 mailbox unavailable") == "550 5.1.1 mailbox unavailable"  # the server's words
        with speaking("fr"):
            assert error_text(LEASE_EXPIRED) == "Interrompu pendant l'envoi (délai dépassé)."


def test_a_request_writes_one_intent_that_a_sender_expands_once_even_after_dying(smtp):
    """The change writes what to tell (an intent), not the emails; a sender that claimed it and died
    before expanding it leaves it to another once its lease is over, and its emails go out once."""
    world = build_world()
    db.session.commit()
    manager = world.manager.email
    smtp.start()
    request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    db.session.commit()
    (intent,) = [row for row in _rows() if row.kind.startswith("intent:")]
    assert intent.to_address == "" and not [row for row in _rows() if row.to_address == manager]

    with Session(db.engine, expire_on_commit=False, autobegin=False) as dying:
        assert _claim(dying, utcnow(), utcnow(), None).id == intent.id  # … and the sender dies here
    assert send_due().handled == 0  # leased: nobody else expands it meanwhile

    def later():
        return utcnow() + timedelta(days=1)

    assert send_due(clock=later).sent == 1
    assert send_due(clock=later).handled == 0
    (request_mail,) = smtp.to(manager)
    assert "Demande de réservation à examiner" in request_mail["Subject"]
    statuses = {row.kind: row.status for row in _rows()}
    assert statuses[intent.kind] == MessageStatus.SENT.value


def _agreement_number(booking) -> str:
    number = db.session.scalar(
        select(Agreement.number)
        .join(agreement_bookings, agreement_bookings.c.agreement_id == Agreement.id)
        .where(agreement_bookings.c.booking_id == booking.id)
    )
    db.session.commit()  # (on SQLite, a transaction left open holds the write lock a sender needs)
    return number


def test_an_agreement_email_is_an_intent_the_sender_writes_as_the_agreement_stands_then(smtp):
    """Approving writes what to tell about the agreement, not the email; the sender writes it, unless
    the agreement has been voided since: then only what is true when it sends goes out."""
    world = build_world()
    db.session.commit()
    member = world.member.email
    smtp.start()
    first = request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    approve(first, world.manager, now=NOW)
    db.session.commit()
    kinds = [row.kind for row in _rows()]
    assert "intent:agreement" in kinds and not [kind for kind in kinds if kind.startswith("agreements/")]
    send_due()
    (ready,) = [message for message in smtp.to(member) if "à accepter" in message["Subject"]]
    assert _agreement_number(first) in ready["Subject"] + _text(ready)

    second = request_booking(world.room, world.member, paris(2027, 3, 30, 10), paris(2027, 3, 30, 12), now=NOW)
    approve(second, world.manager, now=NOW)
    db.session.commit()
    cancel(second, world.member, now=NOW)  # before any sender ran: its agreement is voided
    db.session.commit()
    number = _agreement_number(second)
    assert number != _agreement_number(first)
    send_due()
    about_second = [message["Subject"] for message in smtp.to(member) if number in message["Subject"] + _text(message)]
    assert len(about_second) == 1 and "annulée" in about_second[0], about_second


def test_the_outbox_page_names_an_intent_that_failed_by_what_it_tells_in_the_reader_s_language(mail_app):
    """An intent (what to tell, its emails not yet written) that could not be expanded is named on the
    coordinators' page by what it tells and about which booking or agreement, in their language."""
    from tests.factories import PASSWORD
    from tests.helpers import BrowserLikeClient

    world = build_world()
    db.session.commit()
    booking = request_booking(world.room, world.member, paris(2027, 3, 29, 10), paris(2027, 3, 29, 12), now=NOW)
    db.session.commit()
    approve(booking, world.manager, now=NOW)
    db.session.commit()
    number = _agreement_number(booking)
    db.session.execute(  # (as the sender leaves an intent whose expansion failed four times)
        update(OutboxMessage)
        .where(OutboxMessage.kind.startswith("intent:"))
        .values(status=MessageStatus.DEAD, attempts=4, last_error="expansion impossible")
    )
    db.session.commit()

    mail_app.test_client_class = BrowserLikeClient
    client = mail_app.test_client()
    client.login(world.coordinator.email, PASSWORD)
    page = client.get("/gestion/coordination/courriels").get_data(as_text=True)
    assert f"Avis sur la réservation n° {booking.id} : demande à valider, aux gestionnaires" in page
    assert f"Avis sur la réservation n° {booking.id} : réservation validée, au demandeur" in page
    assert f"Avis sur la convention {number} v1 : convention émise" in page
    assert "booking_requested" not in page and "intent:" not in page

    world.coordinator.locale = "en"
    db.session.commit()
    page = client.get("/gestion/coordination/courriels").get_data(as_text=True)
    assert f"Notice about booking no. {booking.id}: request to review, to the managers" in page
    assert f"Notice about agreement {number} v1: agreement issued" in page


def test_an_intent_of_several_notes_names_each_once_with_the_language_s_separator(mail_app):
    from flask_babel import force_locale

    from app.bookings.notices import NOTICES
    from app.notifications import intents

    notes = [
        {"kind": "booking_approved", "booking": 7},
        {"kind": "booking_confirmed", "booking": 7},
        {"kind": "booking_approved", "booking": 8},
    ]
    row = OutboxMessage(kind=intents.PREFIX + NOTICES, subject="booking_approved, booking_confirmed")
    row.text_body = json.dumps({"notes": notes, "covered": []})
    with mail_app.test_request_context():
        assert intents.describe(row) == (
            "Avis sur les réservations n° 7, 8 : réservation validée, au demandeur ; "
            "réservation confirmée, aux gestionnaires"
        )
        with force_locale("en"):
            assert intents.describe(row) == (
                "Notice about bookings no. 7, 8: booking approved, to the requester; booking confirmed, to the managers"
            )
        row.text_body = json.dumps({"covered": []})  # written without its notes: its summary
        assert intents.describe(row) == "booking_approved, booking_confirmed"
