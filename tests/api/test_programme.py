"""The programme through the API: the agenda's filters, an event, and a member registering with
their token (the event page's rules: seats, the waitlist, members only)."""

from __future__ import annotations

import pytest

from app.events import rules
from app.extensions import db
from tests.events.conftest import build_events_world, draft, evening


@pytest.fixture()
def events_world(app):
    world = build_events_world()
    db.session.commit()
    return world


def test_the_programme_is_read_without_login_with_the_agendas_filters(client, events_world):
    world = events_world
    [apero] = rules.create_event(draft(world, *evening(2)), world.manager)
    [meeting] = rules.create_event(
        draft(world, *evening(3), title="Réunion de pilotage", category=world.categories["reunion-de-pilotage"]),
        world.manager,
    )
    rules.propose(apero, world.manager)
    rules.validate(apero, world.coordinator)
    db.session.commit()

    listed = client.get("/api/v1/events", headers={"Origin": "https://agenda.example"})
    assert listed.status_code == 200 and listed.headers["Access-Control-Allow-Origin"] == "*"
    body = listed.get_json()
    assert [item["title"] for item in body["items"]] == [apero.title, "Réunion de pilotage"]
    first = body["items"][0]
    assert first["starts_at"].endswith(("+01:00", "+02:00")) and first["venue"] == world.venue.slug
    assert first["common_programme"] is True and first["seats_left"] == apero.capacity
    assert isinstance(first["prices_cents"]["full"], int)

    only = client.get("/api/v1/events", query_string={"category": "reunion-de-pilotage"}).get_json()
    assert [item["id"] for item in only["items"]] == [meeting.id]
    labelled = client.get("/api/v1/events", query_string={"labelled": "true"}).get_json()
    assert [item["id"] for item in labelled["items"]] == [apero.id]
    paged = client.get("/api/v1/events", query_string={"per_page": 1, "page": 2}).get_json()
    assert [item["id"] for item in paged["items"]] == [meeting.id] and "prev" in paged["links"]

    one = client.get(f"/api/v1/events/{apero.id}")
    assert one.status_code == 200 and one.get_json()["ics_url"].endswith(f"/programme/{apero.id}.ics")
    again = client.get(f"/api/v1/events/{apero.id}", headers={"If-None-Match": one.headers["ETag"]})
    assert again.status_code == 304
    missing = client.get("/api/v1/events/999999", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_a_member_registers_with_a_token_and_the_last_seat_goes_once(client, events_world, bearer):
    world = events_world
    [event] = rules.create_event(draft(world, *evening(2), capacity=1), world.manager)
    db.session.commit()
    url = f"/api/v1/me/events/{event.id}/registrations"

    assert client.post(url).status_code == 401
    done = client.post(url, headers=bearer(world.member))
    assert done.status_code == 201 and done.get_json()["status"] == "confirmed"
    twice = client.post(url, headers=bearer(world.member))
    assert twice.status_code in (409, 422) and twice.mimetype == "application/problem+json"
    assert twice.get_json()["errors"]

    # The seat is taken: the next member waits.
    waiting = client.post(url, headers=bearer(world.manager))
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waitlisted"
    mine = client.get("/api/v1/me/registrations", headers=bearer(world.member)).get_json()
    assert [(item["event"]["id"], item["status"]) for item in mine["items"]] == [(event.id, "confirmed")]
    assert client.get(f"/api/v1/events/{event.id}").get_json()["seats_left"] == 0
