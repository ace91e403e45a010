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
    # The cell lends its parts to the grid (the room is booked by half-hours: rows of two grid rows):
    # the booking drawn at its minutes, the words over it.
    box = block.locator(".band.booking").bounding_box()
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


def _pending_request(room_id: int, day, start: time, end: time) -> None:
    from app.models import Resource

    db.session.add(
        Booking(
            resource=db.session.get(Resource, room_id),
            requester=make_user(email="discret@example.org", name="Sacha Discrète"),
            starts_at=paris_to_utc(day, start),
            ends_at=paris_to_utc(day, end),
            holds_until=paris_to_utc(day, end),
            exclusive=True,
            quantity=1,
            purpose="Projet confidentiel",
            status=BookingStatus.REQUESTED,
        )
    )
    db.session.commit()


def test_a_pending_request_is_a_block_of_its_minutes_over_free_slots_that_stay_clickable(page, grid, monday):
    room_id, email = grid
    tuesday = monday + timedelta(days=1)
    _pending_request(room_id, tuesday, time(10, 30), time(12))
    _log_in(page, email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/ressources/{room_id}?semaine={iso_week(monday)}")
    html = page.content()
    assert "Sacha" not in html and "confidentiel" not in html  # another member's request: no name, no purpose
    pending = page.locator(".band.pending")
    expect(pending).to_have_count(1)
    expect(pending).to_have_text(re.compile(r"^Demande en attente\s+10 h 30 à 12 h$"))
    ten = page.get_by_role("link", name=re.compile(rf"Réserver mardi {tuesday.day} .* de 10 h à 11 h"))
    eleven = page.get_by_role("link", name=re.compile(rf"Réserver mardi {tuesday.day} .* de 11 h à 12 h"))
    row_box, next_box = ten.locator("xpath=..").bounding_box(), eleven.locator("xpath=..").bounding_box()
    block = pending.bounding_box()
    # From 10:30 (within the 10:00 row: its second grid row) to 12:00 (the end of the 11:00 row), in
    # Tuesday's column (its right half).
    assert row_box["y"] + 0.25 * row_box["height"] <= block["y"] <= row_box["y"] + 0.75 * row_box["height"]
    assert abs(block["y"] + block["height"] - (next_box["y"] + next_box["height"])) < 3
    assert row_box["x"] <= block["x"] and block["x"] + block["width"] <= row_box["x"] + row_box["width"] + 1
    # Screen readers read it in Tuesday's 10:00 cell, from when to when.
    expect(page.get_by_role("cell", name=re.compile(r"Demande en attente 10 h 30 à 12 h"))).to_have_count(1)
    page.locator("table.calendar.week").screenshot(path="/tmp/week-pending.png")
    assert_no_axe_violations(page, "week grid with a pending request")
    eleven.click()  # through the request's block: the free slot under it is still the engine's target
    expect(page).to_have_url(re.compile(rf"/reserver\?debut={tuesday:%Y-%m-%d}T11(:|%3A)00"))

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/ressources/{room_id}?semaine={iso_week(monday)}")
    expect(page.locator(".band.pending")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_no_axe_violations(page, "week grid with a pending request at 320 px")


# --- The managers' planning (app/desk/grid.py) ------------------------------------------------------


@pytest.fixture()
def planning_day(app):
    from app.models import Closure, VenueRole
    from tests.factories import add_membership, make_resource, make_venue
    from tests.look.test_planning_grid import _book, _ordinary_day

    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=60, notice_minutes=0, buffer_minutes=30)
    manager = make_user("gestion@test.example", "Gestionnaire")
    add_membership(manager, venue, VenueRole.MANAGER)
    day = _ordinary_day(9)
    other = make_user("autre@test.example", "Dominique Petit")
    _book(room, other, day, time(11), time(13), purpose="Atelier sérigraphie")
    _book(room, other, day, time(15), time(16), BookingStatus.REQUESTED, purpose="Répétition")
    db.session.add(
        Closure(
            venue=venue, starts_at=paris_to_utc(day, time(17)), ends_at=paris_to_utc(day, time(18)), reason="Ménage"
        )
    )
    db.session.commit()
    room_id = room.id
    db.session.commit()
    return room_id, day


def test_the_planning_day_is_a_grid_of_blocks_free_slots_are_targets_for_mouse_and_keyboard(page, planning_day):
    room_id, day = planning_day
    _log_in(page, "gestion@test.example")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/gestion/planning?jour={day.isoformat()}")
    booking = page.locator("ol.track li.booking")
    expect(booking).to_contain_text("Atelier sérigraphie")
    free = page.locator("ol.track li.free").first.bounding_box()  # 9:00-10:00: two columns
    box = booking.bounding_box()  # 11:00-13:00: four columns, starting two hours after 9:00
    assert 1.9 * free["width"] <= box["width"] <= 2.1 * free["width"]
    assert abs(box["x"] - (free["x"] + 2 * (free["width"] + 2))) < 4
    buffer_after = page.locator("ol.track li.buffer").nth(1).bounding_box()
    assert abs(buffer_after["x"] - (box["x"] + box["width"] + 2)) < 3  # right after the booking
    assert 0.4 * free["width"] <= buffer_after["width"] <= 0.6 * free["width"]  # half an hour
    pending = page.locator("ol.track li.pending").bounding_box()
    at_three = page.locator("ol.track li.free").nth(2).bounding_box()  # 15:00, under the request
    assert abs(pending["x"] - at_three["x"]) < 2 and abs(pending["y"] - at_three["y"]) >= at_three["height"]
    page.screenshot(path="/tmp/planning-day.png", full_page=True)
    assert_no_axe_violations(page, "planning time grid")

    page.get_by_role("link", name=re.compile(r"Libre : réserver Salle de réunion .* de 14 h à 15 h")).click()
    expect(page).to_have_url(re.compile(rf"/ressources/{room_id}/reserver\?debut={day:%Y-%m-%d}T14(:|%3A)00"))

    page.goto(f"/gestion/planning?jour={day.isoformat()}")
    page.get_by_role("link", name="Voir la semaine").focus()
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if "/reserver?debut=" in href or "/reservations/" in href:
            reached.append(href.split("debut=")[1][11:16] if "debut=" in href else "booking")
        if reached[-1:] == ["16:00"]:
            break
    else:
        pytest.fail(f"the keyboard did not reach the 16:00 slot (reached {reached})")
    # In time order: 9:00, the booking at 11:00, 14:00, the request at 15:00, 15:00, 16:00.
    assert reached == ["09:00", "booking", "14:00", "booking", "15:00", "16:00"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/reserver\?debut={day:%Y-%m-%d}T16(:|%3A)00"))
