"""Newcomers: the public request, the private link, the managers' desk, acceptance and invitation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import PARIS, paris_today
from app.extensions import db
from app.models import Audience, AuditEntry, User, VenueMembership, VenueRole
from app.newcomers.models import RequestStatus
from tests.factories import PASSWORD, make_resource, make_user
from tests.factories.newcomers import consortium, count_requests, only_request, submit
from tests.helpers import link_in, next_weekday


def test_home_links_to_the_request_form(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/projets/proposer"' in page
    assert "Proposer un projet / demander un espace test" in page
    form = client.get("/projets/proposer").get_data(as_text=True)
    assert "conservées 365 jours après le dernier échange" in form
    assert "Création et gestion de FabLab" not in form  # no theme yet: the form still opens


def test_errors_come_back_next_to_their_fields_with_everything_typed(client, outbox):
    themes, _venues, _managers = consortium()
    response = submit(
        client,
        themes,
        "fablab",
        email="pas-une-adresse",
        themes=[],
        consent="",
        project_description="Trop court.",
        period_end=(paris_today() + timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="email-error">Cette adresse e-mail n(&#39;|\')est pas valide\.', page)
    assert 'id="themes-error">Choisissez au moins une thématique.' in page
    assert 'id="consent-error">Votre accord est nécessaire' in page
    assert 'id="project_description-error">Entre 30 et 5000 caractères.' in page
    assert 'id="period_end-error">La fin de la période doit suivre son début.' in page
    # Nothing typed is lost.
    assert 'value="Inès Durand"' in page and 'value="pas-une-adresse"' in page
    assert 'value="Collectif Hortillon"' in page and "Trop court.</textarea>" in page
    assert "Un établi, des outils, un pied d&#39;atelier.</textarea>" in page
    assert re.search(r'value="test_space"[^>]*checked|checked[^>]*value="test_space"', page)
    assert count_requests() == 0 and outbox.messages() == []


def test_period_in_the_past_and_overlong_fields_are_refused(client):
    themes, _venues, _managers = consortium()
    response = submit(
        client,
        themes,
        "fablab",
        period_start=(paris_today() - timedelta(days=1)).isoformat(),
        project_title="x" * 161,
        phone="appelez-moi",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "La période ne peut pas commencer dans le passé." in page
    assert 'id="project_title-error">160 caractères au plus.' in page
    assert 'id="phone-error">Un numéro de téléphone ne contient que des chiffres' in page
    assert count_requests() == 0


def test_submit_confirm_email_private_link_and_status(client, outbox):
    themes, venues, managers = consortium()
    response = submit(client, themes, "fablab")
    assert response.status_code == 303 and response.headers["Location"].endswith("/projets/envoyee")
    sent = client.get("/projets/envoyee").get_data(as_text=True)
    assert "Elle est transmise à La Machinerie" in sent and "ines@example.org" in sent

    stored = only_request()
    assert stored.status == RequestStatus.NEW and stored.venue_id == venues["la-machinerie"].id
    assert stored.retention_days == 365 and stored.consent_at is not None
    assert [theme.slug for theme in stored.themes] == ["fablab"]

    to_newcomer = [m for m in outbox.messages() if m["To"] == "ines@example.org"]
    assert len(to_newcomer) == 1 and to_newcomer[0]["Subject"] == "Votre demande d'espace test est bien reçue"
    to_venue = [m for m in outbox.messages() if m["To"] == managers["la-machinerie"].email]
    assert to_venue[0]["Subject"] == "Nouvelle demande d'espace test : Atelier de réparation de vélos"
    assert f"/gestion/projets/{stored.id}" in outbox.text(to_venue[0])

    status = client.get(link_in(outbox, "ines@example.org", "/projets/suivi/"))
    assert status.status_code == 200
    page = status.get_data(as_text=True)
    assert "Atelier de réparation de vélos" in page and "Nouvelle" in page and "La Machinerie" in page
    assert status.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("theme_slugs", "support", "handled_by", "also_seen_by"),
    [
        (("ecologie-maraichage-bio",), "test_space", "ile-aux-fruits", []),
        (("experimentation-artistique",), "test_space", "la-briqueterie", ["lam"]),
        (("creation-espace-public",), "coaching", "la-briqueterie", ["lam"]),
        (("fablab",), "equipment", "la-machinerie", []),
        (("mediation-scientifique",), "training", "la-machinerie", []),
        (("participation-citoyenne",), "test_space", "alco", []),
        (("participation-citoyenne",), "networking", "maison-du-colonel", ["alco"]),
        (("ecologie-maraichage-bio", "fablab"), "test_space", "ile-aux-fruits", ["la-machinerie"]),
    ],
)
def test_routing_per_theme(app, theme_slugs, support, handled_by, also_seen_by):
    from app.newcomers.models import SupportKind
    from app.newcomers.routing import route_request

    themes, venues, _managers = consortium()
    routing = route_request([themes[slug] for slug in theme_slugs], SupportKind(support))
    assert routing.venue.slug == handled_by
    assert sorted(v.slug for v in routing.visible_to) == sorted([handled_by, *also_seen_by])


def test_no_matching_route_goes_to_the_lead_venue(client):
    from app.newcomers.models import NewcomerRoute

    themes, venues, _managers = consortium()
    db.session.query(NewcomerRoute).delete()
    db.session.commit()
    assert submit(client, themes, "fablab").status_code == 303
    assert only_request().venue.slug == "la-machinerie"


def test_multi_theme_request_is_seen_by_the_other_matching_venue_only(client):
    themes, venues, managers = consortium()
    submit(client, themes, "ecologie-maraichage-bio", "fablab")
    stored = only_request()
    assert stored.venue.slug == "ile-aux-fruits"
    detail = f"/gestion/projets/{stored.id}"

    client.login(managers["la-machinerie"].email, PASSWORD)
    desk = client.get("/gestion/projets").get_data(as_text=True)
    assert "Autres demandes sur vos thématiques" in desk and "Atelier de réparation de vélos" in desk
    page = client.get(detail).get_data(as_text=True)
    assert "suivie par L&#39;Île aux Fruits" in page and "Accepter la demande" not in page
    refused = client.submit(f"{detail}/refus", {"decline_note": "Pas pour nous."}, page=detail)
    assert refused.status_code == 404
    client.logout()

    client.login(managers["alco"].email, PASSWORD)
    assert "Atelier de réparation de vélos" not in client.get("/gestion/projets").get_data(as_text=True)
    assert client.get(detail).status_code == 404
    client.logout()

    client.login(managers["ile-aux-fruits"].email, PASSWORD)
    page = client.get(detail).get_data(as_text=True)
    assert "Accepter la demande" in page and "Visible aussi par : La Machinerie" in page
    assert only_request().status == RequestStatus.NEW


def test_desk_is_for_managers_and_coordinators(client):
    themes, venues, managers = consortium()
    make_user(email="membre@example.org")
    db.session.commit()
    assert client.get("/gestion/projets").status_code == 302
    client.login("membre@example.org", PASSWORD)
    assert client.get("/gestion/projets").status_code == 403
    assert client.get("/gestion/coordination/orientation").status_code == 403


def test_conversation_both_ways_through_email_and_the_private_link(client, outbox):
    themes, venues, managers = consortium()
    submit(client, themes, "fablab")
    stored = only_request()
    manager = managers["la-machinerie"]
    detail = f"/gestion/projets/{stored.id}"

    client.login(manager.email, PASSWORD)
    empty = client.submit(f"{detail}/message", {"body": "   "}, page=detail)
    assert empty.status_code == 422 and 'id="body-error">Écrivez un message.' in empty.get_data(as_text=True)
    client.submit(f"{detail}/message", {"body": "Quels jours seriez-vous disponible ?"}, page=detail)
    client.logout()

    mail = outbox.messages()[-1]
    assert mail["To"] == "ines@example.org" and mail["Subject"] == "Nouveau message de La Machinerie sur votre demande"
    assert "Quels jours seriez-vous disponible ?" in outbox.text(mail)
    status = link_in(outbox, "ines@example.org", "/projets/suivi/")
    assert "Quels jours seriez-vous disponible ?" in client.get(status).get_data(as_text=True)
    assert only_request().awaiting_venue_since is None

    answered = client.submit(f"{status}/message", {"body": "Le mardi et le jeudi."}, page=status, follow_redirects=True)
    assert "Votre message est envoyé au lieu." in answered.get_data(as_text=True)
    mail = outbox.messages()[-1]
    assert mail["To"] == manager.email and "Le mardi et le jeudi." in outbox.text(mail)
    assert only_request().awaiting_venue_since is not None

    client.login(manager.email, PASSWORD)
    page = client.get(detail).get_data(as_text=True)
    assert page.index("Quels jours seriez-vous disponible ?") < page.index("Le mardi et le jeudi.")


def test_review_then_decline_with_a_note(client, outbox):
    themes, venues, managers = consortium()
    submit(client, themes, "fablab")
    stored = only_request()
    detail = f"/gestion/projets/{stored.id}"
    client.login(managers["la-machinerie"].email, PASSWORD)

    client.submit(f"{detail}/examen", {}, page=detail)
    assert only_request().status == RequestStatus.UNDER_REVIEW
    assert outbox.messages()[-1]["Subject"] == "Votre demande d'espace test est à l'étude"

    no_note = client.submit(f"{detail}/refus", {"decline_note": ""}, page=detail)
    assert no_note.status_code == 422
    assert 'id="decline_note-error">Expliquez votre décision au porteur de projet.' in no_note.get_data(as_text=True)
    assert only_request().status == RequestStatus.UNDER_REVIEW

    client.submit(f"{detail}/refus", {"decline_note": "Notre atelier est complet jusqu'en juin."}, page=detail)
    stored = only_request()
    assert stored.status == RequestStatus.DECLINED and stored.decided_at is not None
    mail = outbox.messages()[-1]
    assert mail["Subject"] == "Réponse à votre demande d'espace test"
    assert "Notre atelier est complet jusqu'en juin." in outbox.text(mail)
    status_page = client.get(link_in(outbox, "ines@example.org", "/projets/suivi/")).get_data(as_text=True)
    assert "Déclinée" in status_page and "Retirer ma demande" not in status_page
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == stored.id).order_by(AuditEntry.id)
    ).all()
    assert [(a.action, a.from_status, a.to_status) for a in audit] == [
        ("submitted", None, "new"),
        ("under_review", "new", "under_review"),
        ("declined", "under_review", "declined"),
    ]
    assert audit[-1].actor_id == managers["la-machinerie"].id and "complet" in audit[-1].reason
    # A closed request does not move any more.
    again = client.submit(f"{detail}/refus", {"decline_note": "Encore."}, page=detail, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "Cette demande est close : elle ne peut plus changer." in page and "Décliner la demande" not in page
    assert only_request().status == RequestStatus.DECLINED


def test_redirect_to_another_venue_with_a_note(client, outbox):
    themes, venues, managers = consortium()
    submit(client, themes, "participation-citoyenne")
    stored = only_request()
    assert stored.venue.slug == "alco"
    detail = f"/gestion/projets/{stored.id}"
    client.login(managers["alco"].email, PASSWORD)
    same = client.submit(f"{detail}/reorientation", {"venue": venues["alco"].id, "redirect_note": "x"}, page=detail)
    assert same.status_code == 422 and only_request().venue.slug == "alco"
    client.submit(
        f"{detail}/reorientation",
        {
            "venue": venues["maison-du-colonel"].id,
            "redirect_note": "Les Apéros tiers-lieux vous feront rencontrer du monde.",
        },
        page=detail,
    )
    client.logout()
    stored = only_request()
    assert stored.status == RequestStatus.REDIRECTED and stored.venue.slug == "maison-du-colonel"

    to_newcomer = [m for m in outbox.messages() if m["To"] == "ines@example.org"][-1]
    assert to_newcomer["Subject"] == "Votre demande est confiée à un autre lieu"
    assert "La Maison du Colonel" in outbox.text(to_newcomer) and "Apéros tiers-lieux" in outbox.text(to_newcomer)
    to_venue = [m for m in outbox.messages() if m["To"] == managers["maison-du-colonel"].email][-1]
    assert "confiée par ALCO" in outbox.text(to_venue)

    status_page = client.get(link_in(outbox, "ines@example.org", "/projets/suivi/")).get_data(as_text=True)
    assert "Réorientée vers un autre lieu" in status_page and "La Maison du Colonel" in status_page

    # ALCO still sees it but no longer acts on it; the new venue does.
    client.login(managers["alco"].email, PASSWORD)
    assert "Accepter la demande" not in client.get(detail).get_data(as_text=True)
    client.logout()
    client.login(managers["maison-du-colonel"].email, PASSWORD)
    assert "Accepter la demande" in client.get(detail).get_data(as_text=True)


def test_coordinator_orients_a_request(client, outbox):
    themes, venues, managers = consortium()
    make_user(email="coordination@example.org", name="Coordination", is_coordinator=True)
    db.session.commit()
    submit(client, themes, "fablab")
    stored = only_request()
    detail = f"/gestion/projets/{stored.id}"
    client.login("coordination@example.org", PASSWORD)
    page = client.get(detail).get_data(as_text=True)
    assert "Réorienter" in page and "Accepter la demande" not in page
    client.submit(
        f"{detail}/reorientation",
        {"venue": venues["alco"].id, "redirect_note": "Projet social avant tout."},
        page=detail,
    )
    assert only_request().venue.slug == "alco"


def test_newcomer_withdraws(client, outbox):
    themes, venues, managers = consortium()
    submit(client, themes, "fablab")
    status = link_in(outbox, "ines@example.org", "/projets/suivi/")
    unconfirmed = client.submit(f"{status}/retrait", {"reason": "J'ai trouvé un local."}, page=status)
    assert unconfirmed.status_code == 422
    page = unconfirmed.get_data(as_text=True)
    assert (
        'id="confirm-error">Cochez la case pour confirmer.' in page and "J&#39;ai trouvé un local.</textarea>" in page
    )
    assert only_request().status == RequestStatus.NEW

    done = client.submit(
        f"{status}/retrait", {"reason": "J'ai trouvé un local.", "confirm": "y"}, page=status, follow_redirects=True
    )
    page = done.get_data(as_text=True)
    assert "Votre demande est retirée." in page and "Vous avez retiré votre demande." in page
    assert "Envoyer au lieu" not in page
    assert only_request().status == RequestStatus.WITHDRAWN
    mail = outbox.messages()[-1]
    assert mail["To"] == managers["la-machinerie"].email and "J'ai trouvé un local." in outbox.text(mail)


def test_accept_books_the_test_space_issues_the_agreement_and_invites(client, outbox):
    from app.agreements.models import Agreement, AgreementKind
    from app.models import Booking, BookingStatus

    themes, venues, managers = consortium()
    machinerie, manager = venues["la-machinerie"], managers["la-machinerie"]
    space = make_resource(
        machinerie, slug="espace-test", name="Atelier test", is_test_space=True, open_to=Audience.NEWCOMER
    )
    make_resource(machinerie, slug="salle", name="Salle de réunion")
    db.session.commit()
    submit(client, themes, "fablab")
    stored = only_request()
    detail = f"/gestion/projets/{stored.id}"
    tuesday = next_weekday(stored.period_start, 1)
    sessions = {
        "test_space": space.id,
        "first_day": tuesday.isoformat(),
        "session_start": "14:00",
        "session_end": "18:00",
        "frequency": "weekly",
        "last_day": (tuesday + timedelta(days=21)).isoformat(),
        "accept_note": "Bienvenue à l'atelier !",
    }

    client.login(manager.email, PASSWORD)
    page = client.get(detail).get_data(as_text=True)
    assert "Atelier test" in page and "Salle de réunion" not in page  # only test spaces are offered
    # The engine's rules hold: the venue closes at 18:00, so 17:00-19:00 is refused, and nothing is written.
    refused = client.submit(
        f"{detail}/acceptation", {**sessions, "session_start": "17:00", "session_end": "19:00"}, page=detail
    )
    assert refused.status_code == 422 and "Hors des heures d&#39;ouverture" in refused.get_data(as_text=True)
    no_times = client.submit(f"{detail}/acceptation", {**sessions, "session_start": ""}, page=detail)
    assert no_times.status_code == 422
    assert 'id="session_start-error">Indispensable pour réserver l' in no_times.get_data(as_text=True)
    assert only_request().status == RequestStatus.NEW
    assert db.session.scalar(select(User).where(User.email == "ines@example.org")) is None
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0

    client.submit(f"{detail}/acceptation", sessions, page=detail)
    stored = only_request()
    assert stored.status == RequestStatus.ACCEPTED and stored.test_space_id == space.id
    newcomer = db.session.scalar(select(User).where(User.email == "ines@example.org"))
    assert newcomer.organisation.name == "Collectif Hortillon" and newcomer.organisation.audience == Audience.NEWCOMER
    assert [(m.venue.slug, m.role) for m in newcomer.memberships] == [("la-machinerie", VenueRole.MEMBER)]
    bookings = db.session.scalars(select(Booking).order_by(Booking.starts_at)).all()
    assert [b.starts_at.astimezone(PARIS).date() for b in bookings] == [tuesday + timedelta(weeks=n) for n in range(4)]
    assert {(b.resource_id, b.requester_id, b.status, b.decided_by_id) for b in bookings} == {
        (space.id, newcomer.id, BookingStatus.APPROVED, manager.id)
    }
    assert all(b.starts_at.astimezone(PARIS).strftime("%H:%M") == "14:00" for b in bookings)
    agreement = db.session.scalars(select(Agreement)).one()
    assert agreement.kind == AgreementKind.TEST_SPACE and agreement.borrower_id == newcomer.id
    assert sorted(b.id for b in agreement.bookings) == [b.id for b in bookings]
    desk_page = client.get(detail).get_data(as_text=True)
    assert f"Convention {agreement.number}" in desk_page and "validée" in desk_page
    client.logout()
    assert client.login("ines@example.org", PASSWORD).status_code == 422  # no password works yet

    mail = [m for m in outbox.messages() if m["Subject"] == "Votre demande d'espace test est acceptée"][-1]
    body = outbox.text(mail)
    assert "Atelier test" in body and "Bienvenue à l'atelier !" in body and body.count("14:00 – 18:00") == 4
    invitation = link_in(outbox, "ines@example.org", "/projets/invitation/")
    status_page = client.get(link_in(outbox, "ines@example.org", "/projets/suivi/")).get_data(as_text=True)
    assert "Acceptée" in status_page and 'href="/projets/invitation/' in status_page
    assert "Vos séances à l'espace test" in status_page and status_page.count("(validée)") == 4

    form = client.get(invitation).get_data(as_text=True)
    assert 'value="Inès Durand"' in form and 'value="Collectif Hortillon"' in form and "ines@example.org" in form
    short = client.submit(
        invitation,
        {
            "name": "Inès Durand",
            "organisation": "Collectif Hortillon",
            "organisation_kind": "collective",
            "password": "court",
            "confirm": "court",
        },
    )
    assert short.status_code == 422 and "au moins 10 caractères" in short.get_data(as_text=True)
    opened = client.submit(
        invitation,
        {
            "name": "Inès Durand",
            "phone": "0612345678",
            "organisation": "Collectif Hortillon",
            "organisation_kind": "collective",
            "password": "un mot de passe long",
            "confirm": "un mot de passe long",
        },
        follow_redirects=True,
    )
    assert "Bienvenue, Inès Durand ! Votre compte est ouvert." in opened.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "ines@example.org"))
    assert user.id == newcomer.id and user.organisation.kind.value == "collective"
    assert only_request().account_created_at is not None
    status_page = client.get(link_in(outbox, "ines@example.org", "/projets/suivi/")).get_data(as_text=True)
    assert "/projets/invitation/" not in status_page
    client.logout()
    assert client.login("ines@example.org", "un mot de passe long").status_code == 303

    # The invitation opens the account once.
    client.logout()
    again = client.get(invitation, follow_redirects=True)
    assert "Votre compte est déjà ouvert : connectez-vous." in again.get_data(as_text=True)


def test_accept_for_an_address_that_already_has_an_account(client, outbox):
    themes, venues, managers = consortium()
    member = make_user(email="ines@example.org", name="Inès Durand")
    db.session.commit()
    submit(client, themes, "fablab")
    stored = only_request()
    detail = f"/gestion/projets/{stored.id}"
    client.login(managers["la-machinerie"].email, PASSWORD)
    client.submit(f"{detail}/acceptation", {"test_space": 0, "accept_note": ""}, page=detail)
    stored = only_request()
    assert stored.status == RequestStatus.ACCEPTED and stored.user_id == member.id
    body = outbox.text(outbox.messages()[-1])
    assert "Vous avez déjà un compte avec cette adresse : connectez-vous" in body and "/projets/invitation/" not in body
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "ines@example.org")) == 1


def test_lost_link_is_sent_again_without_saying_who_asked(client, outbox):
    themes, venues, managers = consortium()
    submit(client, themes, "fablab")
    before = len(outbox.messages())
    unknown = client.submit("/projets/lien-perdu", {"email": "personne@example.org"}, follow_redirects=True)
    known = client.submit("/projets/lien-perdu", {"email": "INES@example.org"}, follow_redirects=True)
    message = "Si une demande a été faite avec cette adresse"
    assert message in unknown.get_data(as_text=True) and message in known.get_data(as_text=True)
    assert len(outbox.messages()) == before + 1
    link = link_in(outbox, "ines@example.org", "/projets/suivi/")
    assert "Atelier de réparation de vélos" in client.get(link).get_data(as_text=True)


SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")


def test_the_status_page_shows_dates_without_seconds(client, outbox, clock):
    clock.shift(timedelta(seconds=17))  # whatever the session's instant, one with seconds
    themes, _venues, _managers = consortium()
    submit(client, themes, "fablab")
    page = client.get(link_in(outbox, "ines@example.org", "/projets/suivi/")).get_data(as_text=True)
    assert "Demande envoyée le" in page
    assert not SECONDS.search(page)


def test_accepting_sends_the_newcomer_one_message_with_a_calendar_link_and_the_venue_nothing_to_review(client, outbox):
    themes, venues, managers = consortium()
    machinerie, manager = venues["la-machinerie"], managers["la-machinerie"]
    other_manager = make_user(email="autre-gestion@example.org", name="Autre Gestion")
    machinerie.memberships.append(VenueMembership(user=other_manager, role=VenueRole.MANAGER))
    space = make_resource(
        machinerie, slug="espace-test", name="Atelier test", is_test_space=True, open_to=Audience.NEWCOMER
    )
    db.session.commit()
    submit(client, themes, "fablab")
    stored = only_request()
    detail = f"/gestion/projets/{stored.id}"
    tuesday = next_weekday(stored.period_start, 1)
    before = len(outbox.messages())
    client.login(manager.email, PASSWORD)
    accepted = client.submit(
        f"{detail}/acceptation",
        {
            "test_space": space.id,
            "first_day": tuesday.isoformat(),
            "session_start": "14:00",
            "session_end": "18:00",
            "frequency": "weekly",
            "last_day": (tuesday + timedelta(days=21)).isoformat(),
        },
        page=detail,
    )
    assert accepted.status_code == 303 and only_request().status == RequestStatus.ACCEPTED

    sent = outbox.messages()[before:]
    to_newcomer = [m for m in sent if m["To"] == "ines@example.org"]
    assert [m["Subject"] for m in to_newcomer] == ["Votre demande d'espace test est acceptée"]
    to_review = [m for m in sent if "examiner" in m["Subject"]]
    assert to_review == []  # the sessions are approved by the acceptance itself
    body = outbox.text(to_newcomer[0])
    assert body.count("14:00 – 18:00") == 4 and "convention" in body

    # The calendar link works without logging in: the four sessions.
    client.logout()
    feed = link_in(outbox, "ines@example.org", "/agenda/")
    calendar = client.get(feed)
    assert calendar.status_code == 200 and calendar.content_type.startswith("text/calendar")
    assert calendar.get_data(as_text=True).count("BEGIN:VEVENT") == 4
