"""The events' pages: the agenda's filters in the URL, registering without an account and
cancelling through the private link, the manager's form, the CSV, the feeds and the PDF."""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree as ET

import icalendar
from sqlalchemy import select

from app.core.clock import to_paris
from app.events import registrations, rules
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from app.models import Booking, BookingKind
from tests.events.conftest import draft, evening
from tests.helpers import fragment, htmx_get, link_in, log_in, page_text, pdf_text, text_of


def _two_events(world):
    [apero] = rules.create_event(draft(world, *evening(3)), world.manager)
    atelier = next(r for r in world.other_venue.resources if r.slug == "atelier")
    [training] = rules.create_event(
        draft(
            world,
            *evening(4, hour=14),
            title="Formation découpe laser",
            category=world.categories["formation"],
            resource=atelier,
            capacity=6,
            machine_type="decoupe-laser",
            themes=[],
        ),
        world.other_manager,
    )
    return apero, training


def test_the_agenda_filters_by_venue_and_category_in_the_url_and_as_a_fragment(client, world):
    _two_events(world)
    everything = page_text(client.get("/programme"))
    assert "Apéro tiers-lieux" in everything and "Formation découpe laser" in everything
    by_venue = page_text(client.get("/programme?lieu=la-machinerie"))
    assert "Formation découpe laser" in by_venue and "Apéro tiers-lieux" not in text_of(
        by_venue.split('id="agenda-results"')[1]
    )
    by_category = htmx_get(client, "/programme?categorie=apero-tiers-lieux", "agenda-results")
    assert by_category.headers["Vary"].startswith("HX-Request")
    text = text_of(fragment(by_category))
    assert "Apéro tiers-lieux" in text and "Formation découpe laser" not in text
    by_theme = text_of(fragment(htmx_get(client, "/programme?thematique=participation-citoyenne", "agenda-results")))
    assert "Apéro tiers-lieux" in by_theme and "Formation" not in by_theme
    later = (to_paris(evening(4)[0]).date()).isoformat()
    by_date = text_of(fragment(htmx_get(client, f"/programme?du={later}", "agenda-results")))
    assert "Formation découpe laser" in by_date and "Apéro" not in by_date
    page = page_text(client.get("/programme"))
    assert 'data-hx-push-url="true"' in page and 'data-hx-get="/programme"' in page


def test_registering_without_an_account_then_cancelling_through_the_private_link(client, world, outbox):
    apero, _ = _two_events(world)
    url = f"/programme/{apero.id}"
    shown = page_text(client.get(url))
    assert "https://www.openstreetmap.org/search?query=1+rue+de+Test%2C+80000+Amiens" in shown
    refused = client.submit(f"{url}/inscription", {"name": "Ana", "email": "ana@test.example"}, page=url)
    assert refused.status_code == 422 and "politique de confidentialité pour vous inscrire" in page_text(refused)
    assert 'value="Ana"' in refused.get_data(as_text=True)
    done = client.submit(f"{url}/inscription", {"name": "Ana", "email": "ana@test.example", "consent": "y"}, page=url)
    assert done.status_code == 303
    assert "Inscription confirmée" in outbox.last()["Subject"]
    private = link_in(outbox, "ana@test.example", "/programme/inscription/")
    assert "Confirmée" in page_text(client.get(private))
    cancelled = client.submit(private, {}, follow_redirects=True)
    assert "Votre inscription est annulée" in page_text(cancelled)
    assert db.session.scalar(select(Registration.status)) == RegistrationStatus.CANCELLED


def test_a_member_registers_in_one_click(client, world):
    apero, _ = _two_events(world)
    log_in(client, world.member)
    url = f"/programme/{apero.id}"
    assert "M'inscrire en un clic" in page_text(client.get(url))
    assert client.submit(f"{url}/inscription", {"membre": "1"}, page=url).status_code == 303
    registration = db.session.scalar(select(Registration))
    assert registration.user_id == world.member.id and registration.email == world.member.email


def test_the_event_ics_and_the_feeds_parse(client, world):
    apero, training = _two_events(world)
    ics = client.get(f"/programme/{apero.id}.ics")
    assert ics.mimetype == "text/calendar"
    [vevent] = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert vevent.decoded("dtstart") == to_paris(apero.starts_at)
    assert str(vevent["summary"]) == "Apéro tiers-lieux"
    programme = icalendar.Calendar.from_ical(client.get("/programme.ics").data)
    assert len(programme.walk("VEVENT")) == 2 and programme.walk("VTIMEZONE")
    venue_feed = icalendar.Calendar.from_ical(client.get("/programme/lieux/la-machinerie.ics").data)
    assert [str(e["summary"]) for e in venue_feed.walk("VEVENT")] == ["Formation découpe laser"]
    atom = ET.fromstring(client.get("/programme/nouveautes.atom").data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)]
    assert sorted(titles) == ["Apéro tiers-lieux", "Formation découpe laser"]


def test_the_printable_monthly_programme(client, world):
    apero, _ = _two_events(world)
    month = to_paris(apero.starts_at)
    response = client.get(f"/programme/mois/{month.year}-{month.month}.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Apéro tiers-lieux" in text and "La Maison du Colonel" in text


def test_a_manager_creates_an_event_through_the_form_and_exports_attendees(client, world):
    log_in(client, world.manager)
    start, end = evening(6)
    form = f"/gestion/evenements/nouveau?lieu={world.venue.slug}"
    local = lambda moment: to_paris(moment).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    data = {
        "title": "Portes ouvertes",
        "category": str(world.categories["portes-ouvertes"].id),
        "resource": str(world.hall.id),
        "starts_at": local(start),
        "ends_at": local(end),
        "capacity": "50",
        "audience": "families",
    }
    too_many = client.submit(form, data, page=form)
    assert too_many.status_code == 422 and "au plus 40 personnes" in page_text(too_many)
    created = client.submit(form, {**data, "capacity": "25"}, page=form)
    assert created.status_code == 303
    event = db.session.scalar(select(Event))
    assert event.booking.kind == BookingKind.EVENT and event.capacity == 25
    registrations.register(event, name="=cmd", email="x@test.example", consent=True)
    db.session.commit()
    exported = client.get(f"/gestion/evenements/{event.id}/inscrits.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Nom", "Adresse e-mail", "Statut"]
    assert rows[1][:3] == ["'=cmd", "x@test.example", "Confirmée"]
    # Another venue's manager sees nothing of it.
    client.logout()
    log_in(client, world.other_manager)
    assert client.get(f"/gestion/evenements/{event.id}/inscrits").status_code == 404
    # A collision through the form: the engine's reason next to the form.
    client.logout()
    log_in(client, world.manager)
    again = client.submit(form, {**data, "capacity": "25", "title": "Doublon"}, page=form)
    assert again.status_code == 422 and "déjà réservé" in page_text(again)
    assert db.session.scalar(select(Booking).where(Booking.purpose == "Doublon")) is None


def test_the_common_programme_proposal_validation_and_label(client, world, outbox):
    apero, _ = _two_events(world)
    log_in(client, world.manager)
    assert client.submit(f"/gestion/evenements/{apero.id}/proposer", {}, page="/gestion/evenements").status_code == 303
    assert outbox.last()["To"] == world.coordinator.email
    client.logout()
    log_in(client, world.coordinator)
    review = "/gestion/coordination/programme"
    assert "Apéro tiers-lieux" in page_text(client.get(review))
    client.submit(f"{review}/{apero.id}/valider", {}, page=review)
    shown = page_text(client.get(f"/programme/{apero.id}"))
    assert "Programme commun du consortium" in shown
    labelled = text_of(page_text(client.get("/programme")).split('id="agenda-results"')[1])
    assert labelled.count("Programme commun du consortium") == 1


def test_sending_back_needs_a_note_and_tells_the_venue(world, outbox):
    apero, _ = _two_events(world)
    rules.propose(apero, world.manager)
    try:
        rules.send_back(apero, world.coordinator, "  ")
    except rules.EventRefused as refused:
        assert refused.reasons[0].field == "note"
    rules.send_back(apero, world.coordinator, "Précisez l'accessibilité.")
    db.session.commit()
    assert apero.programme_status.value == "returned"
    assert "renvoyée" in outbox.last()["Subject"] and outbox.last()["To"] == world.manager.email


def test_coordinators_add_a_category(client, world):
    log_in(client, world.coordinator)
    review = "/gestion/coordination/programme"
    empty = client.submit(f"{review}/categories", {"name_fr": " "}, page=review)
    assert empty.status_code == 422 and "Indiquez un nom." in page_text(empty)
    added = client.submit(f"{review}/categories", {"name_fr": "Repair café", "name_en": "Repair café"}, page=review)
    assert added.status_code == 303
    assert "Repair café" in page_text(client.get(review))
    again = client.submit(f"{review}/categories", {"name_fr": "Repair Café"}, page=review)
    assert again.status_code == 422 and "existe déjà" in page_text(again)
    client.logout()
    log_in(client, world.manager)
    assert client.get(review).status_code == 403


def test_the_agenda_has_plain_filter_links_and_the_venues_own_feed(client, world):
    """Without JavaScript: each card's venue, category and audience is a link to the agenda
    filtered by it; filtered by a venue, the agenda links to that venue's iCalendar feed."""
    apero, training = _two_events(world)
    page = client.get("/programme").get_data(as_text=True)
    assert 'href="/programme?lieu=la-machinerie"' in page and 'href="/programme?categorie=formation"' in page
    assert 'href="/programme?public=all"' in page and "/programme/lieux/" not in page
    followed = client.get("/programme?categorie=formation")
    results = text_of(followed.get_data(as_text=True).split('id="agenda-results"')[1])
    assert "Formation découpe laser" in results and "Apéro tiers-lieux" not in results
    by_venue = client.get("/programme?lieu=la-machinerie").get_data(as_text=True)
    assert 'href="/programme/lieux/la-machinerie.ics"' in by_venue
    assert client.get("/programme?lieu=inconnu").status_code == 200
    assert "/programme/lieux/inconnu.ics" not in client.get("/programme?lieu=inconnu").get_data(as_text=True)
    shown = client.get(f"/programme/{apero.id}").get_data(as_text=True)
    assert 'href="/programme?thematique=participation-citoyenne"' in shown


def test_the_organisers_message_the_attendees_and_mark_attendance_through_the_page(client, world, outbox, clock):
    from datetime import timedelta

    from app.models import Qualification

    atelier = next(r for r in world.other_venue.resources if r.slug == "atelier")
    start, end = evening(5, hour=14)
    [training] = rules.create_event(
        draft(
            world,
            start,
            end,
            title="Formation découpe laser",
            category=world.categories["formation"],
            resource=atelier,
            capacity=6,
            machine_type="decoupe-laser",
            themes=[],
        ),
        world.other_manager,
    )
    seat = registrations.register(training, user=world.member)
    registrations.register(training, name="Bo", email="bo@test.example", consent=True)
    db.session.commit()
    log_in(client, world.other_manager)
    url = f"/gestion/evenements/{training.id}/inscrits"
    empty = client.submit(f"/gestion/evenements/{training.id}/message", {"subject": "", "body": "Rien"}, page=url)
    assert empty.status_code == 422 and "Indiquez un objet." in page_text(empty)
    assert 'id="subject-error"' in empty.get_data(as_text=True) and "Rien" in page_text(empty)
    sent = client.submit(
        f"/gestion/evenements/{training.id}/message",
        {"subject": "Apportez vos fichiers", "body": "Au format SVG, merci."},
        page=url,
        follow_redirects=True,
    )
    assert "Message envoyé à 2 personne(s)" in page_text(sent)
    assert {m["To"] for m in outbox.messages() if "Apportez vos fichiers" in m["Subject"]} == {
        world.member.email,
        "bo@test.example",
    }

    # Before the event, attendance waits; after it, a past end of validity is refused next to its field.
    early = client.submit(f"/gestion/evenements/{training.id}/presences", {"present": str(seat.id)}, page=url)
    assert early.status_code == 422 and "une fois l'évènement commencé" in page_text(early)
    clock.move_to(end + timedelta(minutes=5))
    past = (to_paris(start).date() - timedelta(days=1)).isoformat()
    refused = client.submit(
        f"/gestion/evenements/{training.id}/presences", {"present": str(seat.id), "expires_on": past}, page=url
    )
    assert refused.status_code == 422 and 'id="expires_on-error"' in refused.get_data(as_text=True)
    not_a_date = client.submit(
        f"/gestion/evenements/{training.id}/presences", {"present": str(seat.id), "expires_on": "demain"}, page=url
    )
    assert not_a_date.status_code == 422 and 'id="expires_on-error"' in not_a_date.get_data(as_text=True)
    assert db.session.scalar(select(Qualification)) is None
    done = client.submit(
        f"/gestion/evenements/{training.id}/presences",
        {"present": str(seat.id), "consortium_wide": "y"},
        page=url,
        follow_redirects=True,
    )
    assert "Présences notées (1). Habilitations accordées : 1." in page_text(done)
    qualification = db.session.scalar(select(Qualification))
    assert qualification.user_id == world.member.id and qualification.recognised_consortium_wide


def test_the_agenda_shows_the_common_programme_alone(client, world):
    apero, training = _two_events(world)
    rules.propose(apero, world.manager)
    rules.validate(apero, world.coordinator)
    db.session.commit()
    everything = text_of(client.get("/programme").get_data(as_text=True).split('id="agenda-results"')[1])
    assert "Formation découpe laser" in everything and "Apéro tiers-lieux" in everything
    common = htmx_get(client, "/programme?commun=y", "agenda-results")
    text = text_of(fragment(common))
    assert "Apéro tiers-lieux" in text and "Programme commun du consortium" in text
    assert "Formation découpe laser" not in text
    page = client.get("/programme?commun=y").get_data(as_text=True)
    [box] = re.findall(r'<input[^>]*id="commun"[^>]*>', page)
    assert "checked" in box  # the filter comes back ticked
