"""The layout in a real browser: boosted navigation, language switch, log in, accessibility."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.extensions import db
from tests.factories import PASSWORD, make_resource, make_user, make_venue
from tests.helpers import assert_no_axe_violations


def _data():
    venue = make_venue(short_description="FabLab et création numérique")
    make_resource(venue, capacity=10)
    make_user(email="membre@example.org", name="Camille Martin")
    db.session.commit()


def test_visitor_logs_in_and_switches_language(page):
    _data()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="La Machinerie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La Machinerie")
    expect(page).to_have_url(re.compile(r"/lieux/la-machinerie$"))

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill("membre@example.org")
    page.get_by_label("Mot de passe").fill("mauvais mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.", exact=True)).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_have_value("membre@example.org")

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="Mon compte : (Camille Martin)")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_keyboard_only_log_in(page):
    _data()
    page.goto("/compte/connexion")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.get_by_label("Adresse e-mail").focus()
    page.keyboard.type("membre@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Mon compte : (Camille Martin)")).to_be_visible()


def test_public_pages_pass_axe(page):
    _data()
    for path in [
        "/",
        "/lieux/la-machinerie",
        "/compte/connexion",
        "/compte/inscription",
        "/compte/mot-de-passe-oublie",
    ]:
        page.goto(path)
        assert_no_axe_violations(page, path)
    page.goto("/compte/inscription")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Indiquez votre nom.", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "sign-up form with errors")
