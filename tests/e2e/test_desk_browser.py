"""The managers' desk and planning in real Chromium: approve inline (the row and the menu's counter change
without a reload), reject with a note, approve several at once, all with the keyboard too; the planning's
previous/next swap with the URL following; axe-core finds no WCAG 2.1 A/AA violation after the swaps."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.core.clock import paris_today
from app.extensions import db
from app.models import Booking, BookingStatus
from tests.factories import PASSWORD
from tests.factories.desk import build_desk_world, future_day, request
from tests.helpers import assert_no_axe_violations, moment

DESK = "/gestion/demandes"


def _log_in(page, email: str, next_url: str = DESK) -> None:
    page.goto("/compte/connexion?next=" + next_url)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _statuses(*ids):
    """Read from the database, then end the transaction (on SQLite it would hold the server's lock)."""
    db.session.expire_all()
    try:
        return [db.session.get(Booking, booking_id).status for booking_id in ids]
    finally:
        db.session.commit()


def _ids(*bookings) -> list[int]:
    """The ids, read before the test's transaction ends: touching a row afterwards would open a new
    transaction, and on SQLite hold the write lock the server needs."""
    return [booking.id for booking in bookings]


def test_a_manager_approves_rejects_and_approves_several_inline(page):
    world = build_desk_world()
    day = future_day(10)
    chosen = request(world.room, world.member, moment(day, 10), moment(day, 12), purpose="Assemblée")
    loser = request(world.room, world.other_member, moment(day, 11), moment(day, 13), purpose="Répétition")
    declined = request(world.studio, world.member, moment(day, 9), moment(day, 10), purpose="Prise de son")
    first = request(world.studio, world.other_member, moment(day, 14), moment(day, 15), purpose="Podcast")
    second = request(world.kit, world.member, moment(day, 14), moment(day, 16), purpose="Tournage")
    manager_email = world.manager.email
    chosen, loser, declined, first, second = _ids(chosen, loser, declined, first, second)
    db.session.commit()

    _log_in(page, manager_email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes à traiter")
    expect(page.locator("#pending-count")).to_contain_text("5")
    assert_no_axe_violations(page, "desk")
    page.evaluate("window.stillTheSamePage = true")

    # Approve one: its row and the colliding request's row change in place, the counter too.
    row = page.locator(f"#booking-{chosen}")
    expect(row).to_contain_text("La valider refusera 1 demande")
    row.get_by_role("button", name=re.compile(r"^Valider")).click()
    expect(row).to_contain_text("Validée ; 1 demande en conflit a été refusée.")
    expect(page.locator(f"#booking-{loser}")).to_contain_text("Refusée automatiquement")
    expect(page.locator("#pending-count")).to_contain_text("3")
    # Read out once: the outcome takes the focus; the live region says nothing more.
    expect(page.locator(f"#booking-{chosen} .outcome")).to_be_focused()
    expect(page.locator("#desk-status")).to_have_text("")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "desk after an inline approval")

    # Reject another with a note, with the keyboard only.
    note = page.locator(f"#note-{declined}")
    note.focus()
    page.keyboard.type("Studio en travaux ce jour-là")
    page.keyboard.press("Tab")  # to "Valider"
    page.keyboard.press("Tab")  # to "Refuser"
    expect(page.locator(f"#booking-{declined}").get_by_role("button", name=re.compile(r"^Refuser"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#booking-{declined}")).to_contain_text("Refusée.")
    expect(page.locator(f"#booking-{declined} .outcome")).to_be_focused()  # focus stays on the row's news
    expect(page.locator(f"#booking-{declined}")).to_contain_text("Studio en travaux ce jour-là")
    expect(page.locator("#pending-count")).to_contain_text("2")

    # Several at once: tick with the keyboard (space), approve the selection.
    page.get_by_label(re.compile(r"Sélectionner la demande : Studio son")).check()
    box = page.get_by_label(re.compile(r"Sélectionner la demande : Kit vidéo"))
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.get_by_role("button", name="Valider la sélection").click()
    expect(page.locator("#desk-status")).to_contain_text("2 demandes validées.")
    expect(page.locator(f"#booking-{first}")).to_contain_text("Validée.")
    expect(page.locator(f"#booking-{second}")).to_contain_text("Validée.")
    expect(page.locator("#pending-count")).to_contain_text("0")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "desk after a bulk approval")

    assert _statuses(chosen, loser, declined, first, second) == [
        BookingStatus.APPROVED,
        BookingStatus.REJECTED,
        BookingStatus.REJECTED,
        BookingStatus.APPROVED,
        BookingStatus.APPROVED,
    ]


def test_a_refusal_shows_on_the_row_without_reload(page):
    world = build_desk_world()
    day = future_day(10)
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    manager_email = world.manager.email
    (booking,) = _ids(booking)
    db.session.commit()
    _log_in(page, manager_email)
    row = page.locator(f"#booking-{booking}")
    row.get_by_role("button", name=re.compile(r"^Refuser")).click()
    reason = row.locator(".error")
    expect(reason).to_have_text("Indiquez un motif.")  # the reason itself, alone
    expect(reason).to_be_focused()  # read out by taking the focus, once (no alert role besides)
    expect(row.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#pending-count")).to_contain_text("1")
    assert_no_axe_violations(page, "desk with a refusal on a row")
    assert _statuses(booking) == [BookingStatus.REQUESTED]


def test_the_planning_moves_by_day_and_week_with_the_url_following(page):
    world = build_desk_world()
    today = paris_today()
    tomorrow = today + timedelta(days=1)
    request(
        world.room,
        world.member,
        moment(tomorrow, 10),
        moment(tomorrow, 12),
        purpose="Réunion de demain",
        now=moment(today, 0) - timedelta(days=1),
    )
    manager_email = world.manager.email
    db.session.commit()
    _log_in(page, manager_email, "/gestion/planning")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planning de La Machinerie")
    assert_no_axe_violations(page, "planning")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("link", name="Jour suivant").click()
    expect(page).to_have_url(re.compile(rf"jour={tomorrow.isoformat()}"))
    expect(page.locator("#planning")).to_contain_text("Réunion de demain")
    page.get_by_role("link", name="Voir la semaine").click()
    expect(page).to_have_url(re.compile(r"semaine=\d{4}-W\d{2}"))
    expect(page.locator("#planning .planning-day")).to_have_count(7)
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "planning after htmx swaps")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"jour={tomorrow.isoformat()}"))
    expect(page.locator("#planning")).to_contain_text("Réunion de demain")
