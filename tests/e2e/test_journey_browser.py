"""The journey the service exists for, in real Chromium, in French and in English: a member
searches what is free at a given moment, books a machine, sees the request pending; a manager
approves it inline on the desk; the member sees it approved. Once with the mouse, once with the
keyboard alone. axe-core (WCAG 2.1 A and AA) on every page of the journey, also after htmx swaps.

The interface's words come from the English catalogue, as a user would read them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from app.extensions import db
from app.models import Booking, BookingStatus, Qualification
from tests.factories import PASSWORD
from tests.factories.bookings import build_world, monday_ahead
from tests.helpers import assert_no_axe_violations, browser_page, read_from_database

CATALOGUES = Path(__file__).resolve().parents[2] / "app" / "translations"


def words(locale: str):
    """The interface's text in ``locale``: the French msgid, or its translation."""
    if locale == "fr":
        return lambda text: text
    catalogue = Translations.load(str(CATALOGUES), [locale])

    def translated(text: str) -> str:
        english = catalogue.gettext(text)
        assert english != text, f"no {locale} translation for {text!r}"
        return english

    return translated


def set_up() -> dict:
    """The booking engine's small consortium; the member is trained on the laser cutter, whose
    requests wait for a manager."""
    world = build_world()
    db.session.add(
        Qualification(user_id=world.other_member.id, resource_id=world.laser.id, machine_type=world.laser.machine_type)
    )
    people = {"member": world.other_member.email, "manager": world.manager.email}
    db.session.commit()  # and no read after it: on SQLite a transaction holds the lock the server needs
    return people


def log_in_and_choose_the_language(page, email: str, t, locale: str) -> None:
    """Log in (the form is in French until one chooses), then choose the language if not French."""
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    if locale != "fr":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", {"fr": "fr", "en": "en-GB"}[locale])
    expect(page.get_by_role("button", name=t("Se déconnecter"))).to_be_visible()


def booking_status(booking_id: int) -> BookingStatus:
    return read_from_database(lambda: db.session.get(Booking, booking_id).status)


def booking_page_reached(page) -> int:
    """Wait for the booking's own page (where the form leads) and return the booking's id."""
    expect(page).to_have_url(re.compile(r"/reservations/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_member_books_a_free_machine_and_a_manager_approves_it_inline(browser, live_server, locale):
    people = set_up()
    t = words(locale)
    monday = monday_ahead()
    with browser_page(browser, live_server) as member, browser_page(browser, live_server) as manager:
        log_in_and_choose_the_language(member, people["member"], t, locale)
        assert_no_axe_violations(member, "home")

        # What is free on Monday from 10:00 to 12:00, among the machines?
        member.get_by_role("link", name=t("Rechercher une ressource")).first.click()
        expect(member.get_by_role("heading", level=1)).to_have_text(t("Rechercher une ressource"))
        member.get_by_label(t("Début")).fill(f"{monday:%Y-%m-%d}T10:00")
        member.get_by_label(t("Fin")).fill(f"{monday:%Y-%m-%d}T12:00")
        member.get_by_label(t("Type de ressource")).select_option("machine")
        results = member.locator("#resultats")
        expect(results).to_contain_text("Découpeuse laser")
        expect(member).to_have_url(re.compile(r"type=machine"))
        assert_no_axe_violations(member, "search after an htmx swap")

        # The resource's page, then its booking form, filled in with the moment searched.
        results.get_by_role("link", name="Découpeuse laser").first.click()
        expect(member.get_by_role("heading", level=1)).to_contain_text("Découpeuse laser")
        assert_no_axe_violations(member, "resource page")
        member.go_back()
        results.get_by_role("link", name=re.compile(t("Réserver"))).first.click()
        expect(member.get_by_label(t("Début"))).to_have_value(f"{monday:%Y-%m-%d}T10:00")
        expect(member.get_by_label(t("Fin"))).to_have_value(f"{monday:%Y-%m-%d}T12:00")
        expect(member.locator("#booking-summary")).to_contain_text(t("Ce créneau est libre."))
        assert_no_axe_violations(member, "booking form")
        member.get_by_label(t("Objet de la réservation")).fill("Découpe des panneaux de l'expo")
        member.get_by_role("button", name=t("Réserver"), exact=True).click()

        # Pending: the page of the booking says so, and so does "Mes réservations".
        booking_id = booking_page_reached(member)
        pending = t("en attente")
        expect(member.locator("main")).to_contain_text(pending)
        member.get_by_role("link", name=t("Mes réservations")).first.click()
        expect(member.locator("main")).to_contain_text("Découpeuse laser")
        expect(member.locator("main")).to_contain_text(pending)
        assert_no_axe_violations(member, "my bookings")

        # The manager approves it inline: the row and the counter change without a reload.
        log_in_and_choose_the_language(manager, people["manager"], t, locale)
        counter = manager.locator("#pending-count")
        expect(counter).to_contain_text("1")
        manager.get_by_role("link", name=re.compile(t("Demandes"))).click()
        row = manager.locator(f"#booking-{booking_id}")
        expect(row).to_contain_text("Découpeuse laser")
        assert_no_axe_violations(manager, "desk")
        manager.evaluate("window.stillTheSamePage = true")
        row.get_by_role("button", name=re.compile("^" + re.escape(t("Valider")))).click()
        expect(manager.locator(f"#booking-{booking_id}")).to_contain_text(t("validée"))
        expect(counter).to_contain_text("0")
        assert manager.evaluate("window.stillTheSamePage") is True
        assert_no_axe_violations(manager, "desk after an inline approval")

        assert booking_status(booking_id) == BookingStatus.APPROVED
        member.reload()
        expect(member.locator("main")).to_contain_text(t("validée"))
        expect(member.locator("main")).not_to_contain_text(pending)


def tab_to(page, locator, limit: int = 120) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def one_hour_later(page, field) -> None:
    """With the focus in a date-and-time field: move through its parts with Tab and raise the
    hour with the Up arrow (whatever order the browser's locale gives the parts)."""
    before = field.input_value()
    for _ in range(6):
        page.keyboard.press("ArrowUp")
        after = field.input_value()
        if after[:10] == before[:10] and after[11:13] != before[11:13]:
            return
        page.keyboard.press("ArrowDown")  # not the hour: put it back, next part
        page.keyboard.press("Tab")
    raise AssertionError("no hour part reached in the field")


def log_in_with_the_keyboard(page, email: str, t, locale: str) -> None:
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="Se connecter"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Adresse e-mail"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Mot de passe"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    if locale != "fr":
        tab_to(page, page.get_by_role("button", name="English"))
        page.keyboard.press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", {"fr": "fr", "en": "en-GB"}[locale])


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_same_journey_with_the_keyboard_alone(browser, live_server, locale):
    """Typing digits into a date field does nothing in headless Chromium; its arrow keys work.
    The member starts from a search shared as a link (Monday 10:00 to 11:00), moves its end
    to 12:00 with the arrows, and goes on with Tab, the arrows and Enter."""
    people = set_up()
    t = words(locale)
    monday = monday_ahead()
    with browser_page(browser, live_server) as member, browser_page(browser, live_server) as manager:
        log_in_with_the_keyboard(member, people["member"], t, locale)
        member.goto(f"/ressources/?debut={monday:%Y-%m-%d}T10:00&fin={monday:%Y-%m-%d}T11:00")
        expect(member.get_by_role("heading", level=1)).to_have_text(t("Rechercher une ressource"))
        end = member.get_by_label(t("Fin"))
        tab_to(member, end)
        one_hour_later(member, end)
        expect(end).to_have_value(f"{monday:%Y-%m-%d}T12:00")
        kind = member.get_by_label(t("Type de ressource"))
        tab_to(member, kind)
        while kind.input_value() != "machine":
            member.keyboard.press("ArrowDown")
        expect(member).to_have_url(re.compile(rf"fin={monday:%Y-%m-%d}T12(:|%3A)00.*type=machine"))
        book = member.locator("#resultats").get_by_role("link", name=re.compile(t("Réserver")))
        expect(book).to_have_count(1)
        tab_to(member, book)
        member.keyboard.press("Enter")
        expect(member.get_by_label(t("Fin"))).to_have_value(f"{monday:%Y-%m-%d}T12:00")
        expect(member.locator("#booking-summary")).to_contain_text(t("Ce créneau est libre."))
        tab_to(member, member.get_by_label(t("Objet de la réservation")))
        member.keyboard.type("Prototype de signalétique")
        tab_to(member, member.get_by_role("button", name=t("Réserver"), exact=True))
        member.keyboard.press("Enter")
        booking_id = booking_page_reached(member)
        expect(member.locator("main")).to_contain_text(t("en attente"))

        log_in_with_the_keyboard(manager, people["manager"], t, locale)
        tab_to(manager, manager.get_by_role("link", name=re.compile(t("Demandes"))))
        manager.keyboard.press("Enter")
        approve = manager.locator(f"#booking-{booking_id}").get_by_role(
            "button", name=re.compile("^" + re.escape(t("Valider")))
        )
        tab_to(manager, approve)
        manager.keyboard.press("Enter")
        expect(manager.locator(f"#booking-{booking_id}")).to_contain_text(t("validée"))
        expect(manager.locator("#pending-count")).to_contain_text("0")
        assert booking_status(booking_id) == BookingStatus.APPROVED

        member.reload()
        expect(member.locator("main")).to_contain_text(t("validée"))
