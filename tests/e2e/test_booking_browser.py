"""A member books in real Chromium: the form's live summary follows the times (price, then the
reasons it cannot be booked), the booking is sent, shows in "Mes réservations", and is cancelled
inline after confirming. The form also works with the keyboard alone; axe-core finds no WCAG 2.1
A/AA violation on the form and on "Mes réservations", before and after htmx swaps."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import Booking, BookingStatus
from tests.factories import PASSWORD
from tests.factories.bookings import build_world, monday_ahead
from tests.helpers import assert_no_axe_violations, read_from_database


def _local(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def _world():
    world = build_world()
    db.session.commit()
    return read_from_database(lambda: (world.room.id, world.member.email))


def _log_in(page, email: str, next_url: str) -> None:
    page.goto("/compte/connexion?next=" + next_url.replace("&", "%26").replace("?", "%3F"))
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_member_books_sees_the_price_live_and_cancels_inline(page):
    room_id, email = _world()
    monday = monday_ahead()
    url = f"/ressources/{room_id}/reserver?debut={_local(monday, 10)}&fin={_local(monday, 12)}"
    _log_in(page, email, url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver « Salle de réunion »")
    summary = page.locator("#booking-summary")
    expect(summary).to_contain_text("Ce créneau est libre.")
    expect(summary).to_contain_text("20,00")
    assert_no_axe_violations(page, "booking form")

    # Shorter: the price follows, without reloading the page.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Fin").fill(_local(monday, 11))
    expect(summary).to_contain_text("10,00")
    # Too short: the end is marked invalid and described by the reason; cleared once it passes.
    ends_at = page.locator("#ends_at")
    ends_at.fill(f"{monday:%Y-%m-%d}T10:30")
    expect(ends_at).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ends_at-error")).to_have_text("Durée minimale : 1 h.")
    expect(ends_at).to_have_attribute("aria-describedby", "ends_at-error")
    expect(ends_at).to_have_accessible_description(re.compile("Durée minimale : 1 h."))
    ends_at.fill(_local(monday, 11))
    expect(summary).to_contain_text("10,00")
    expect(ends_at).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ends_at-error")).to_have_text("")
    # Too early: the reasons it cannot be booked.
    page.get_by_label("Début").fill(_local(monday, 7))
    expect(summary).to_contain_text("Impossible de réserver ce créneau")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "booking form after a live check")

    # A series: occurrence by occurrence.
    page.get_by_label("Début").fill(_local(monday, 10))
    page.get_by_label("Toutes les semaines (ou toutes les n semaines)").check()
    page.get_by_label("Ou nombre d'occurrences").fill("3")
    expect(summary).to_contain_text("3 occurrences libres")
    page.get_by_label("Une seule fois").check()
    expect(summary).to_contain_text("Ce créneau est libre.")

    page.get_by_label("Objet de la réservation").fill("Réunion du bureau")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.get_by_text("Votre demande est enregistrée")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réservation de « Salle de réunion »")
    booking_id = read_from_database(lambda: db.session.query(Booking.id).scalar())

    page.get_by_role("link", name="Mes réservations").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes réservations")
    row = page.locator(f"#booking-{booking_id}")
    expect(row).to_contain_text("en attente")
    assert_no_axe_violations(page, "my bookings")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("^Annuler")).click()
    expect(row).to_contain_text("annulée")
    expect(page.locator("#bookings-status")).to_contain_text("est annulée")
    assert read_from_database(lambda: db.session.get(Booking, booking_id).status) == BookingStatus.CANCELLED
    assert_no_axe_violations(page, "my bookings after an inline cancel")

    # The past tab, loaded by htmx.
    page.get_by_role("link", name="Passées").click()
    expect(page.get_by_role("heading", level=2, name="Réservations passées")).to_be_visible()
    expect(page).to_have_url(re.compile(r"vue=passees"))
    expect(page.get_by_role("link", name="Passées")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="À venir")).not_to_have_attribute("aria-current", "page")
    assert_no_axe_violations(page, "my bookings, past tab")


def test_the_booking_form_with_the_keyboard_only(page):
    room_id, email = _world()
    monday = monday_ahead()
    url = f"/ressources/{room_id}/reserver?debut={_local(monday, 14)}&fin={_local(monday, 16)}"
    _log_in(page, email, url)
    summary = page.locator("#booking-summary")
    expect(summary).to_contain_text("20,00")
    # One hour less with the arrow keys, on the hour of the end: the price follows.
    page.locator("#ends_at").focus()
    for _ in range(3):  # day, month, year, then the hour
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    expect(summary).to_contain_text("10,00")
    expect(page.locator("#ends_at")).to_have_value(_local(monday, 15))
    page.locator("#starts_at").focus()
    # Tab from the start to the purpose (each date-time field has its own segments to tab through).
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
        if seen[-1] == "purpose":
            break
    assert seen[-1] == "purpose", seen
    assert "ends_at" in seen and "attendees" in seen
    page.keyboard.type("Atelier")
    # Then on to the "Réserver" button.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Réserver":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre demande est enregistrée")).to_be_visible()
    assert read_from_database(lambda: db.session.query(Booking.purpose).scalar()) == "Atelier"


def test_a_free_slot_of_the_resource_page_opens_the_filled_booking_form(page):
    room_id, email = _world()
    monday = monday_ahead()
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    _log_in(page, email, f"/ressources/{room_id}?semaine={week}")
    page.locator(f'#calendrier a[href*="debut={_local(monday, 10)}"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver « Salle de réunion »")
    expect(page.get_by_label("Début")).to_have_value(_local(monday, 10))
    expect(page.locator("#booking-summary")).to_contain_text("Ce créneau est libre.")


def test_the_edit_page_says_live_what_a_change_would_do(page):
    from app.bookings import service
    from app.core.clock import PARIS

    world = build_world()
    monday = monday_ahead()
    start = datetime.combine(monday, time(10), tzinfo=PARIS)
    booking = service.request_booking(world.room, world.member, start, start + timedelta(hours=2))
    service.approve(booking, world.manager)
    booking_id, email = booking.id, world.member.email
    db.session.commit()
    _log_in(page, email, f"/reservations/{booking_id}/modifier")
    summary = page.locator("#edit-summary")
    expect(summary).to_contain_text("Changez les horaires")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Fin").fill(_local(monday, 11))
    expect(summary).to_contain_text("La réservation reste validée.")
    expect(summary).to_contain_text("10,00")
    page.get_by_label("Début").fill(_local(monday, 9))
    expect(summary).to_contain_text("La modification attendra l'accord")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "edit page after a live check")
    assert read_from_database(lambda: db.session.get(Booking, booking_id).ends_at) == start + timedelta(hours=2)
