"""Personal data: the privacy page, a member's export, erasure confirmed by a coordinator (then a
search of the whole database for the person), and the daily purge."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.agreements.models import Agreement
from app.core.clock import to_paris
from app.documentation import gallery
from app.documentation.models import Licence
from app.extensions import db
from app.models import AuditEntry, Booking, Organisation, OrganisationKind, User
from app.notifications import send_email
from app.notifications.models import MessageStatus, OutboxMessage
from app.privacy.retention import purge
from tests.factories import PASSWORD, make_user
from tests.factories.agreements import approve, make_booking, make_world, paris
from tests.factories.bookings import monday_ahead
from tests.helpers import page_text, text_of

BORROWER = "camille@jardins.example"
COORDINATOR = "coordination@fnt.example"
# What names Camille Martin, the borrower of the agreements' world.
IDENTIFIERS = ["Camille Martin", BORROWER, "06 12 34 56 78"]


@pytest.fixture()
def accepted(client):
    """An approved booking of Camille's, a Monday afternoon ahead, its agreement accepted online by her."""
    world = make_world()
    day = monday_ahead()
    booking = make_booking(world.space, world.borrower, paris(day.year, day.month, day.day, 14), 4, price_cents=8000)
    booking.purpose = "Atelier de Camille Martin pour les voisins"
    approve(booking, actor=world.manager)
    db.session.commit()
    agreement = db.session.scalars(select(Agreement)).one()
    client.login(BORROWER, PASSWORD)
    page = f"/conventions/{agreement.id}"
    read_hash = re.search(r'name="document"[^>]*value="([0-9a-f]{64})"', client.get(page).get_data(as_text=True))
    done = client.submit(
        f"{page}/accepter",
        {"acknowledged": "y", "full_name": "Camille Martin", "document": read_hash.group(1)},
        page=page,
    )
    assert done.status_code == 303
    return world, booking, agreement


def test_a_member_downloads_everything_held_about_them(client, accepted):
    world, booking, agreement = accepted
    page = client.get("/compte/mes-donnees")
    shown = page_text(page)
    assert page.status_code == 200
    assert "Camille Martin" in shown and BORROWER in shown and "06 12 34 56 78" in shown
    assert world.space.name in shown and agreement.number in shown
    assert "E-mails envoyés" in shown

    download = client.get("/compte/mes-donnees.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.get_data(as_text=True))
    assert data["profile"]["email"] == BORROWER and data["profile"]["phone"] == "06 12 34 56 78"
    assert data["organisation"]["name"] == "Les Jardins Partagés"
    assert [(b["resource"], b["status"], b["purpose"]) for b in data["bookings"]] == [
        (world.space.name, "approved", "Atelier de Camille Martin pour les voisins")
    ]
    starts = to_paris(booking.starts_at)
    assert starts.hour == 14 and data["bookings"][0]["starts_at"] == starts.isoformat()  # Paris time, with its offset
    assert [(a["number"], a["accepted_name"], a["accepted_ip"]) for a in data["agreements"]] == [
        (agreement.number, "Camille Martin", "127.0.0.1")
    ]
    assert data["emails"] and all(email["to"] == BORROWER for email in data["emails"])
    assert {"accepted"} <= {entry["action"] for entry in data["audit"] if entry["by_you"]}
    assert data["memberships"] == [
        {"venue": world.venue.name, "role": "member", "since": data["memberships"][0]["since"]}
    ]

    # Someone else's export says nothing of her.
    client.logout()
    client.login("autre@membre.example", PASSWORD)
    other = client.get("/compte/mes-donnees.json").get_data(as_text=True)
    assert "Camille" not in other and BORROWER not in other


def test_the_export_holds_the_projects_she_documented(client, accepted):
    world, _booking, _agreement = accepted
    borrower = db.session.scalar(select(User).where(User.email == BORROWER))
    gallery.submit(
        borrower,
        gallery.ProjectDraft(
            title="Un composteur de quartier",
            summary="",
            body="Fabriqué avec les voisins.",
            licence=Licence.CC_BY,
            resources=[world.space],
            venues=[],
        ),
    )
    db.session.commit()

    shown = text_of(client.get("/compte/mes-donnees").get_data(as_text=True))
    assert "Projets documentés (1)" in shown and "Un composteur de quartier" in shown
    data = json.loads(client.get("/compte/mes-donnees.json").get_data(as_text=True))
    assert [(p["title"], p["status"], p["licence"], p["venues"]) for p in data["projects"]] == [
        ("Un composteur de quartier", "submitted", "cc-by", [world.venue.name])
    ]
    client.logout()
    client.login("autre@membre.example", PASSWORD)
    other = client.get("/compte/mes-donnees.json").get_data(as_text=True)
    assert "Camille" not in other and BORROWER not in other


def _everything_in_the_database() -> list[tuple[str, str, str]]:
    """Every text and JSON value of every row of every table, as (table, column, text)."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, dict | list):
                    value = json.dumps(value, ensure_ascii=False)
                if isinstance(value, str):
                    found.append((table.name, column, value))
    db.session.commit()  # the reading transaction ends (on SQLite it holds the write lock)
    return found


def _mentions(needles: list[str]) -> list[tuple[str, str, str]]:
    lowered = [needle.lower() for needle in needles]
    return [(t, c, v) for t, c, v in _everything_in_the_database() if any(n in v.lower() for n in lowered)]


def test_erasure_asked_by_the_member_and_confirmed_by_a_coordinator_leaves_nothing_personal(
    app, client, accepted, outbox, clock
):
    world, booking, agreement = accepted
    assert _mentions(IDENTIFIERS)  # she is everywhere before: account, agreement, audit, emails…
    page = "/compte/mes-donnees"

    wrong = client.submit(f"{page}/effacement", {"password": "pas le mien du tout", "understood": "y"}, page=page)
    assert wrong.status_code == 422 and "Ce n'est pas votre mot de passe." in page_text(wrong)
    unticked = client.submit(f"{page}/effacement", {"password": PASSWORD}, page=page)
    assert unticked.status_code == 422 and "Cochez cette case" in unticked.get_data(as_text=True)
    assert db.session.scalar(select(User.erasure_requested_at).where(User.email == BORROWER)) is None

    asked = client.submit(
        f"{page}/effacement", {"password": PASSWORD, "understood": "y"}, page=page, follow_redirects=True
    )
    assert "Votre demande d'effacement est enregistrée" in page_text(asked)
    to_coordinator = [m for m in outbox.messages() if m["To"] == COORDINATOR]
    assert len(to_coordinator) == 1 and "Camille Martin" in to_coordinator[0]["Subject"]
    assert "/gestion/coordination/effacements" in outbox.text(to_coordinator[0])

    coordinator = app.test_client()
    coordinator.login(COORDINATOR, PASSWORD)
    listing = coordinator.get("/gestion/coordination/effacements").get_data(as_text=True)
    assert "Camille Martin" in listing
    # A manager is no coordinator.
    manager = app.test_client()
    manager.login("marc@briqueterie.example", PASSWORD)
    assert manager.get("/gestion/coordination/effacements").status_code == 403

    # While her booking is to come, the venue expects her: refused, said next to the button.
    confirm = f"/gestion/coordination/effacements/{world.borrower.id}"
    refused = coordinator.submit(confirm, {}, page="/gestion/coordination/effacements")
    assert refused.status_code == 422
    assert "1 réservation(s) en cours ou à venir" in page_text(refused)
    db.session.expire_all()
    assert db.session.get(User, world.borrower.id).erased_at is None

    clock.move_to(booking.ends_at + timedelta(days=1))  # the booking is over (and yesterday's sessions)
    coordinator.login(COORDINATOR, PASSWORD)
    client.login(BORROWER, PASSWORD)
    assert client.get("/compte/mes-donnees").status_code == 200
    done = coordinator.submit(confirm, {}, page="/gestion/coordination/effacements", follow_redirects=True)
    assert "Le compte est effacé." in page_text(done)

    assert _mentions([*IDENTIFIERS, "127.0.0.1"]) == []  # her address of acceptance included
    # What must be kept is kept, without her: the booking for the reports, the agreement's record.
    db.session.expire_all()
    kept = db.session.get(Booking, booking.id)
    assert kept is not None and kept.purpose == "" and kept.price_cents == 8000
    record = db.session.get(Agreement, agreement.id)
    assert record.number == agreement.number and record.accepted_ip == "" and record.content["borrower"]["name"]
    erased = db.session.get(User, world.borrower.id)
    assert not erased.active and erased.memberships == []
    assert db.session.scalar(select(Organisation.name).where(Organisation.id == world.organisation.id)) == (
        "Les Jardins Partagés"  # an association is no person: it stays
    )
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "user", AuditEntry.subject_id == erased.id)
    ).all() == ["erasure_requested", "erased"]
    # Her session is over and her password opens nothing.
    assert client.get("/compte/mes-donnees").status_code == 302
    assert app.test_client().login(BORROWER, PASSWORD).status_code == 422


def test_a_member_withdraws_the_request_before_it_is_confirmed(client, accepted):
    world, *_ = accepted
    page = "/compte/mes-donnees"
    client.submit(f"{page}/effacement", {"password": PASSWORD, "understood": "y"}, page=page)
    withdrawn = client.submit(f"{page}/effacement/retirer", {}, page=page, follow_redirects=True)
    assert "Votre demande d'effacement est retirée" in page_text(withdrawn)
    db.session.expire_all()
    assert db.session.get(User, world.borrower.id).erasure_requested_at is None
    assert "Demander l'effacement de mon compte" in page_text(client.get(page))


def test_a_coordinator_cannot_confirm_their_own_erasure(app, client):
    make_user("seule@fnt.example", "Dominique Seule", is_coordinator=True)
    db.session.commit()
    client.login("seule@fnt.example", PASSWORD)
    page = "/compte/mes-donnees"
    client.submit(f"{page}/effacement", {"password": PASSWORD, "understood": "y"}, page=page)
    user = db.session.scalar(select(User).where(User.email == "seule@fnt.example"))
    refused = client.submit(
        f"/gestion/coordination/effacements/{user.id}", {}, page="/gestion/coordination/effacements"
    )
    assert refused.status_code == 422 and "Un autre membre de la coordination" in page_text(refused)


def test_the_privacy_page_is_the_register_in_docs_in_the_readers_language(client):
    french = client.get("/confidentialite").get_data(as_text=True)
    assert "<h1>Données personnelles et confidentialité</h1>" in french
    assert "<table>" in french and "5 ans après la fin de la mise à disposition" in french
    assert 'href="/confidentialite"' in client.get("/").get_data(as_text=True)  # linked from every page
    client.submit("/langue", {"locale": "en", "next": "/"}, page="/")
    english = client.get("/confidentialite").get_data(as_text=True)
    assert "<h1>Personal data and privacy</h1>" in english


def test_the_purge_deletes_accounts_never_confirmed_and_old_copies_of_emails(app, client, outbox, clock):
    signup = {
        "name": "Personne Pressée",
        "email": "pressee@example.org",
        "organisation": "Personne Pressée",
        "organisation_kind": OrganisationKind.INDIVIDUAL.value,
        "password": "un mot de passe long",
        "confirm": "un mot de passe long",
    }
    client.submit("/compte/inscription", signup)
    confirmed = make_user("fidele@example.org", "Fidèle Membre")
    send_email(confirmed.email, "Ancien message", "Bonjour")
    db.session.commit()
    db.session.execute(sa.update(OutboxMessage).values(status=MessageStatus.SENT, sent_at=OutboxMessage.created_at))
    db.session.commit()
    max_age = app.config["EMAIL_CONFIRMATION_MAX_AGE"]

    clock.shift(timedelta(days=2))
    assert purge(confirmation_max_age=max_age) == {"unconfirmed_accounts": 0, "emails": 0}
    clock.shift(timedelta(days=89))
    gone = purge(confirmation_max_age=max_age)
    db.session.commit()
    # The account goes with the email written to it; the old copy of the other message goes too.
    assert gone == {"unconfirmed_accounts": 1, "emails": 1}
    assert db.session.scalars(select(User.email)).all() == ["fidele@example.org"]
    assert _mentions(["pressee@example.org", "Personne Pressée"]) == []
