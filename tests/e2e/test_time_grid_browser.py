"""The week's time grid in Chromium: a booking is one block as high as its rows (CSS grid placement),
free time is a target per row that the mouse and the keyboard both reach, axe finds nothing, and
Chromium's own accessibility tree still reads a table with rows, row headers and cells."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from app.catalogue.calendar import iso_week
from app.core.clock import paris_to_utc
from app.extensions import db
from app.models import Booking, BookingStatus
from tests.factories import PASSWORD, make_user
from tests.factories.bookings import build_world
from tests.helpers import assert_no_axe_violations


@pytest.fixture()
def grid(app, monday):
    world = build_world()
    starts_at, ends_at = paris_to_utc(monday, time(10)), paris_to_utc(monday, time(13))
    db.session.add(
        Booking(
            resource=world.room,
            requester=make_user(email="autre@example.org", name="Autre Membre"),
            starts_at=starts_at,
            ends_at=ends_at,
            holds_until=ends_at,
            exclusive=True,
            quantity=1,
            purpose="",
            status=BookingStatus.APPROVED,
        )
    )
    db.session.commit()
    room_id, email = world.room.id, world.member.email
    db.session.commit()  # no transaction left open on the database the live server reads
    return room_id, email


def _log_in(page, email: str) -> None:
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name=re.compile("Mon compte"))).to_be_visible()


def _accessible_roles(page) -> list[str]:
    """The roles of the calendar's nodes in Chromium's accessibility tree (what a screen reader gets,
    after CSS: ``display: contents`` on rows must not lose them)."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    return [node.get("role", {}).get("value", "") for node in nodes if not node.get("ignored")]


def test_a_booking_is_one_block_as_high_as_its_hours_and_free_slots_are_targets(page, grid, monday):
    room_id, email = grid
    _log_in(page, email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/ressources/{room_id}?semaine={iso_week(monday)}")
    block = page.locator("td.slot.busy[rowspan='3']")
    expect(block).to_have_count(1)
    expect(block).to_contain_text("Occupé")
    expect(block).to_contain_text("10 h à 13 h")
    one_row = page.locator("tbody tr").first.locator("td").first.bounding_box()
    box = block.bounding_box()
    assert 2.8 * one_row["height"] <= box["height"] <= 3.2 * one_row["height"]
    assert abs(box["x"] - one_row["x"]) < 2  # Monday's column
    assert page.evaluate("getComputedStyle(document.querySelector('table.calendar.week')).display") == "grid"
    assert_no_axe_violations(page, "week grid")
    roles = _accessible_roles(page)
    assert roles.count("table") == 1 and roles.count("columnheader") == 7
    assert roles.count("rowheader") == 9 and roles.count("row") == 10  # the days' heads and nine hours

    tuesday = monday + timedelta(days=1)
    page.get_by_role("link", name=re.compile(rf"Réserver mardi {tuesday.day} .* de 15 h à 16 h")).click()
    expect(page).to_have_url(re.compile(rf"/reserver\?debut={tuesday:%Y-%m-%d}T15(:|%3A)00"))


def test_the_keyboard_goes_from_the_block_to_the_next_free_slot(page, grid, monday):
    room_id, email = grid
    _log_in(page, email)
    page.goto(f"/ressources/{room_id}?semaine={iso_week(monday)}")
    page.locator("#cal-next").focus()
    monday_links = []
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if f"debut={monday:%Y-%m-%d}T" in href:
            monday_links.append(href.split("debut=")[1][11:16])
        if monday_links[-1:] == ["13:00"]:
            break
    else:
        pytest.fail(f"the keyboard did not reach Monday 13:00 (reached {monday_links})")
    # Row by row: Monday 9:00, then (the 10:00-13:00 block has no link) Monday 13:00.
    assert monday_links == ["09:00", "13:00"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/reserver\?debut={monday:%Y-%m-%d}T13(:|%3A)00"))
