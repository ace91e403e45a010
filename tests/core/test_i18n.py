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
    assert '<html lang="en-GB">' in page and NAV_EN in page and NAV_FR not in page


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
    assert '<html lang="en-GB">' in client.get("/").get_data(as_text=True)


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
            expected = {"fr": "fr", "en": "en-GB"}[locale]  # English is written the British way
            assert f'<html lang="{expected}">' in response.get_data(as_text=True), path


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


def test_english_is_written_the_british_way_and_french_says_1er(app):
    """12 January 2027 at 10:00 must not read "1/12/27, 10:00 AM" (en_US) to a European reader;
    French writes the first of the month as an ordinal, « 1er décembre »."""
    from datetime import UTC, date, datetime

    from app.core.i18n import format_day, speaking

    shown = app.jinja_env.filters["datetime"]
    january = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    first = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December, 00:30 in Paris
    with app.test_request_context():
        with speaking("en"):
            assert shown(january, "short") == "12/01/2027, 10:00"
            assert shown(january) == "12 Jan 2027, 10:00"
            assert shown(january, "day") == "Tuesday, 12 January 2027, 10:00"
            assert format_day(first, "long") == "1 December 2026"
        with speaking("fr"):
            assert shown(first, "day") == "mardi 1er décembre 2026, 00:30"
            assert shown(first) == "1er déc. 2026, 00:30"
            assert format_day(date(2026, 12, 2), "long") == "2 décembre 2026"
            assert shown(first, "short") == "01/12/2026 00:30"  # digits only: no ordinal
    # Documents are written in their own language, whoever renders them.
    assert format_day(date(2027, 3, 1), "full", language="fr") == "lundi 1er mars 2027"
    assert format_day(date(2027, 3, 1), "full", language="en") == "Monday, 1 March 2027"


def test_moments_kept_by_the_minute_read_as_babel_writes_them_across_the_clock_changes(app):
    """The words of a moment are kept per wall-clock minute: around the clock changes of 2027 (the
    lost hour, the hour twice), in both languages and every style, they are Babel's own."""
    from datetime import UTC, datetime, timedelta

    from babel.dates import format_datetime as babel_datetime

    from app.core.clock import PARIS
    from app.core.i18n import _format_moment_by_babel, format_moment, speaking

    nights = [datetime(2027, 3, 28, 0, 0, tzinfo=UTC), datetime(2027, 10, 31, 0, 0, tzinfo=UTC)]
    moments = [night + timedelta(minutes=15 * k, seconds=k) for night in nights for k in range(12)]
    with app.test_request_context():
        for language in ("fr", "en"):
            with speaking(language):
                for moment in moments:
                    for style in ("short", "medium", "long", "full"):
                        assert format_moment(moment, style) == _format_moment_by_babel(moment, style)
        with speaking("fr"):
            # 00:30 UTC on 31 October is the first 2:30 in Paris (summer time), 01:30 UTC the second
            first, second = datetime(2027, 10, 31, 0, 30, tzinfo=UTC), datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
            assert format_moment(first, "short") == format_moment(second, "short") == "31/10/2027 02:30"
            assert format_moment(datetime(2027, 3, 28, 1, 0, tzinfo=UTC), "short") == "28/03/2027 03:00"
            assert format_moment(first, "short") == babel_datetime(first, "short", tzinfo=PARIS, locale="fr")


def test_a_message_written_in_another_language_within_a_request_is_in_that_language(app):
    """An email in its recipient's language (``speaking``) within a request whose page is in
    another one: each in its own language, whichever is written first, in templates as in code."""
    from flask import render_template_string
    from flask_babel import force_locale

    from app.core.i18n import gettext, lazy_gettext, ngettext, pgettext, speaking

    def words() -> tuple[str, ...]:
        return (
            render_template_string("{{ _('Quand') }}"),
            gettext("Quand"),
            str(lazy_gettext("Quand")),
            ngettext("%(num)d jour", "%(num)d jours", 3),
            pgettext("séparateur d'une liste de propositions", " ; "),
        )

    french, english = ("Quand", "Quand", "Quand", "3 jours", " ; "), ("When", "When", "When", "3 days", "; ")
    with app.test_request_context():  # the page first, then the email
        assert words() == french
        with speaking("en"):
            assert words() == english
            with speaking("fr"):
                assert words() == french
            assert words() == english
        assert words() == french
    with app.test_request_context():  # the email first
        with speaking("en"):
            assert words() == english
        assert words() == french
        with force_locale("en_GB"):  # Flask-Babel's own switch too
            assert words() == english
        assert words() == french
    with app.app_context():  # a worker, a command: no request
        assert words() == french
        with speaking("en"):
            assert words() == english


def test_the_apps_gettext_says_what_flask_babels_says(app, client):
    """``app.core.i18n``'s gettext functions are Flask-Babel's through the request's catalogue:
    the same words, variables and plurals, in both languages."""
    import flask_babel

    from app.core import i18n

    cases = [
        ("gettext", ("Quand",), {}),
        ("gettext", ("Caution : %(amount)s.",), {"amount": "12,00 €"}),
        ("ngettext", ("%(num)d jour", "%(num)d jours", 1), {}),
        ("ngettext", ("%(num)d jour", "%(num)d jours", 2), {}),
        ("pgettext", ("séparateur d'une liste de propositions", " ; "), {}),
    ]
    for language in ("fr", "en"):
        with app.test_request_context(), i18n.speaking(language):
            for name, args, variables in cases:
                assert getattr(i18n, name)(*args, **variables) == getattr(flask_babel, name)(*args, **variables)
