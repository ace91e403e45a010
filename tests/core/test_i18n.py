"""Every page answers in French by default and in English when the visitor chooses it."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import PASSWORD, make_resource, make_user, make_venue

PAGES = ["/", "/lieux/la-machinerie", "/compte/connexion", "/compte/inscription", "/compte/mot-de-passe-oublie"]

# A phrase each page shows, in both languages.
NAV_FR, NAV_EN = "Aller au contenu", "Skip to content"


@pytest.fixture()
def venue(app):
    venue = make_venue()
    make_resource(venue, capacity=8)
    db.session.commit()
    return venue


def choose_language(client, locale: str):
    return client.submit("/langue", {"locale": locale, "next": "/"}, page="/")


@pytest.mark.usefixtures("venue")
@pytest.mark.parametrize("path", PAGES)
def test_pages_in_french_then_english(client, path):
    french = client.get(path)
    assert french.status_code == 200
    page = french.get_data(as_text=True)
    assert '<html lang="fr">' in page and NAV_FR in page

    assert choose_language(client, "en").status_code == 303
    english = client.get(path)
    assert english.status_code == 200
    page = english.get_data(as_text=True)
    assert '<html lang="en">' in page and NAV_EN in page and NAV_FR not in page


@pytest.mark.usefixtures("venue")
def test_english_texts_and_formats(client):
    choose_language(client, "en")
    venue_page = client.get("/lieux/la-machinerie").get_data(as_text=True)
    assert "Opening hours" in venue_page and "Monday" in venue_page and "8 people" in venue_page
    assert "Horaires" not in venue_page
    login = client.get("/compte/connexion").get_data(as_text=True)
    assert "Remember me" in login and "Forgot your password?" in login


def test_form_errors_in_english(client):
    choose_language(client, "en")
    response = client.submit(
        "/compte/inscription", {"name": "", "email": "nope", "organisation": "", "password": "x", "confirm": "y"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This email address is not valid." in page and "Enter your name." in page


def test_a_logged_in_user_keeps_their_language(client):
    make_user(email="membre@example.org")
    db.session.commit()
    client.login("membre@example.org", PASSWORD)
    choose_language(client, "en")
    client.logout()
    with client.session_transaction() as session:
        session.clear()
    client.login("membre@example.org", PASSWORD)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_error_pages_follow_the_language(client):
    choose_language(client, "en")
    page = client.get("/nowhere").get_data(as_text=True)
    assert "Page not found" in page


def test_every_simple_page_declares_its_language(app, client):
    """Every GET page without parameters answers in the chosen language (new pages included)."""
    make_user(email="coordination@example.org", is_coordinator=True)
    db.session.commit()
    client.login("coordination@example.org", PASSWORD)
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in {"static", "site.healthz"}
    )
    for locale in ("fr", "en"):
        choose_language(client, locale)
        for path in paths:
            response = client.get(path)
            if response.mimetype != "text/html" or response.status_code in (301, 302, 303, 308):
                continue
            assert f'<html lang="{locale}">' in response.get_data(as_text=True), path


def test_no_date_shown_has_seconds_whatever_its_format(app):
    import re
    from datetime import UTC, datetime

    from flask_babel import force_locale

    moment = datetime(2026, 10, 27, 20, 22, 3, tzinfo=UTC)
    shown = app.jinja_env.filters["datetime"]
    for locale in ("fr", "en"):
        with app.test_request_context(), force_locale(locale):
            texts = [shown(moment)] + [shown(moment, fmt) for fmt in ("short", "medium", "long", "full", "day")]
        assert not [text for text in texts if re.search(r"\d{1,2}:\d{2}:\d{2}", text)], texts
        assert all("21:22" in text or "9:22" in text for text in texts), texts
