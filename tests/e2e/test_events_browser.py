"""In real Chromium: the agenda filtered with htmx (the URL follows), an event's page, registering
without an account; axe on the agenda and the event page."""

from __future__ import annotations

import io
import re

from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from app.events import images, rules
from app.events.models import Registration, RegistrationStatus
from app.extensions import db
from tests.events.conftest import build_events_world, draft, evening
from tests.helpers import assert_no_axe_violations, image_bytes, read_from_database


def test_someone_without_an_account_finds_an_event_and_registers(page, outbox):
    world = build_events_world()
    [apero] = rules.create_event(draft(world, *evening(5)), world.manager)
    atelier = next(r for r in world.other_venue.resources if r.slug == "atelier")
    rules.create_event(
        draft(world, *evening(6, hour=14), title="Formation découpe laser", resource=atelier, capacity=6, themes=[]),
        world.other_manager,
    )
    prepared = images.prepare(io.BytesIO(image_bytes("JPEG", size=(1600, 900))), current_app)
    apero.image_path, apero.image_alt = prepared.new_filename(), "Le comptoir du café, un soir d'apéro"
    apero.image_width, apero.image_height = prepared.width, prepared.height
    images.store(current_app, apero.image_path, prepared)
    apero_id = apero.id
    db.session.commit()

    page.goto("/programme")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme des tiers-lieux")
    assert_no_axe_violations(page, "agenda")
    page.get_by_label("Lieu", exact=True).select_option(label="La Maison du Colonel")
    expect(page.locator("#agenda-results")).not_to_contain_text("Formation découpe laser")
    expect(page).to_have_url(re.compile(r"/programme\?.*lieu=la-maison-du-colonel"))
    page.locator("#agenda-results").get_by_role("link", name="Apéro tiers-lieux", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Apéro tiers-lieux")
    expect(page.get_by_role("link", name="Voir l'adresse sur OpenStreetMap")).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=1+rue+de+Test%2C+80000+Amiens"
    )
    picture = page.get_by_role("img", name="Le comptoir du café, un soir d'apéro")
    expect(picture).to_be_visible()
    # The browser chose a copy from the srcset, and it loaded.
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0 && /-w\\d+\\.jpg$/.test(img.currentSrc)")
    assert_no_axe_violations(page, "event page")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Ana Lopes")
    page.get_by_label("Adresse e-mail").fill("ana@test.example")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".error").first).to_contain_text("politique de confidentialité")
    expect(page.get_by_role("textbox", name="Nom", exact=True)).to_have_value("Ana Lopes")
    page.get_by_label("J'accepte").check()
    page.get_by_role("button", name="M'inscrire").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon inscription")
    expect(page.locator(".flash")).to_contain_text("Vous êtes inscrit·e")
    stored = read_from_database(lambda: db.session.execute(select(Registration.event_id, Registration.status)).one())
    assert tuple(stored) == (apero_id, RegistrationStatus.CONFIRMED)
    assert any(m["To"] == "ana@test.example" and "Inscription confirmée" in m["Subject"] for m in outbox.messages())
