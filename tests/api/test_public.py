"""The public reads of the JSON API: the same answers as the pages, in JSON, without login."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.bookings.lifecycle import request_booking
from app.extensions import db
from app.models import BookingStatus, Closure, ClosureStatus, User
from tests.helpers import moment


def _approved(world, resource, starts_at, ends_at, quantity=1):
    booking = request_booking(resource, db.session.get(User, world.member.id), starts_at, ends_at, quantity=quantity)
    booking.status = BookingStatus.APPROVED
    db.session.commit()
    return booking


def test_the_venues_are_listed_with_their_links_and_each_has_its_hours_and_closures(client, world, open_day):
    closure = Closure(
        venue_id=world.venue.id,
        starts_at=moment(open_day, 0),
        ends_at=moment(open_day + timedelta(days=1), 0),
        reason="Inventaire",
        status=ClosureStatus.CONFIRMED,
    )
    db.session.add(closure)
    db.session.commit()

    listed = client.get("/api/v1/venues?per_page=1")
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 2
    assert [v["name"] for v in body["items"]] == ["La Briqueterie"]
    assert 'rel="next"' in listed.headers["Link"]
    second = client.get(body["links"]["next"]).get_json()
    assert [v["slug"] for v in second["items"]] == ["la-machinerie"]
    assert "next" not in second["links"]

    venue = client.get("/api/v1/venues/la-machinerie").get_json()
    assert {"weekday": 0, "opens": "09:00", "closes": "18:00"} in venue["opening_hours"]
    inventory = [c for c in venue["closures"] if c["reason"] == "Inventaire"]
    assert inventory == [
        {
            "starts_at": f"{open_day.isoformat()}T00:00:00{_offset(moment(open_day, 0))}",
            "ends_at": f"{(open_day + timedelta(days=1)).isoformat()}T00:00:00{_offset(moment(open_day, 0))}",
            "reason": "Inventaire",
        }
    ]
    resources = client.get("/api/v1/venues/la-machinerie/resources").get_json()
    names = [r["name"] for r in resources["items"]]
    assert sorted(names) == ["Découpeuse laser", "Kit vidéo", "Salle de réunion"]
    room = next(r for r in resources["items"] if r["slug"] == "salle")
    assert {"audience": "consortium", "hour_cents": 1000, "half_day_cents": 3000, "day_cents": 5000} in room["tariffs"]


def _offset(value: datetime) -> str:
    from app.core.clock import PARIS

    text = value.astimezone(PARIS).isoformat()
    return text[-6:]


def test_a_resources_availability_is_its_calendar_with_paris_offsets(client, world, open_day):
    _approved(world, world.room, moment(open_day, 10), moment(open_day, 12))
    answer = client.get(f"/api/v1/resources/{world.room.id}/availability?start={open_day.isoformat()}&days=2")
    assert answer.status_code == 200
    body = answer.get_json()
    day = body["days"][0]
    assert day["date"] == open_day.isoformat()
    states = {slot["starts_at"][11:16]: slot["state"] for slot in day["slots"]}
    assert states["09:00"] == "free"
    assert states["10:00"] == states["11:00"] == "busy"
    assert states["12:00"] == "free"
    assert "08:00" not in states  # closed slots are left out
    assert day["slots"][0]["starts_at"].endswith(_offset(moment(open_day, 9)))
    assert "next" in body["links"] and 'rel="next"' in answer.headers["Link"]


def test_what_is_free_is_the_catalogue_search(client, world, open_day):
    _approved(world, world.room, moment(open_day, 10), moment(open_day, 12))
    _approved(world, world.kit, moment(open_day, 10), moment(open_day, 12), quantity=2)
    query = {"starts_at": moment(open_day, 10).isoformat(), "ends_at": moment(open_day, 11).isoformat()}
    body = client.get("/api/v1/free", query_string=query).get_json()
    found = {item["resource"]["slug"]: item["free_units"] for item in body["items"]}
    assert "salle" not in found
    assert found["kit-video"] == 1
    assert found["laser"] is None
    asked = client.get("/api/v1/free", query_string=query | {"kind": "kit", "quantity": "2"}).get_json()
    assert asked["items"] == []


def test_reads_carry_an_etag_and_answer_304_to_if_none_match(client, world):
    first = client.get("/api/v1/venues/la-machinerie")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/venues/la-machinerie", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    world.venue.short_description = "Le lieu des makers"
    db.session.commit()
    changed = client.get("/api/v1/venues/la-machinerie", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["short_description"] == "Le lieu des makers"


def test_the_public_reads_allow_any_origin_and_their_preflight(client, world):
    answer = client.get("/api/v1/venues", headers={"Origin": "https://agenda.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/venues", headers={"Origin": "https://agenda.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    # The member's part is not open to other origins.
    mine = client.get("/api/v1/me/bookings", headers={"Origin": "https://agenda.example"})
    assert "Access-Control-Allow-Origin" not in mine.headers


def test_errors_are_problem_details_in_the_language_asked(client, world):
    missing = client.get("/api/v1/resources/999999")
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"
    assert missing.get_json()["title"] == "Page introuvable"
    english = client.get("/api/v1/resources/999999", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json()["title"] == "Page not found"
    assert english.headers["Content-Language"] == "en"

    wrong_method = client.delete("/api/v1/venues")
    assert wrong_method.status_code == 405
    assert wrong_method.content_type == "application/problem+json"
    assert "GET" in wrong_method.headers["Allow"]

    unreadable = client.get("/api/v1/free?starts_at=demain&ends_at=2027-01-01T10:00:00%2B01:00")
    assert unreadable.status_code == 422
    problem = unreadable.get_json()
    assert problem["type"].endswith("invalid-parameters")
    assert [(e["field"], e["in"]) for e in problem["errors"]] == [("starts_at", "query")]
    assert problem["errors"][0]["message"].startswith("Date et heure ISO 8601 attendues")
    in_english = client.get(
        "/api/v1/free?starts_at=demain&ends_at=2027-01-01T10:00:00%2B01:00", headers={"Accept-Language": "en"}
    ).get_json()
    assert in_english["errors"][0]["message"].startswith("An ISO 8601 date and time")

    backwards = client.get(
        "/api/v1/free",
        query_string={"starts_at": "2027-01-04T12:00:00+01:00", "ends_at": "2027-01-04T10:00:00+01:00"},
    )
    assert backwards.status_code == 422
    assert backwards.get_json()["errors"][0]["message"] == "La fin doit suivre le début."


def test_the_html_pages_keep_their_error_pages(client, world):
    page = client.get("/ressources/999999")
    assert page.status_code == 404
    assert page.content_type.startswith("text/html")


def test_the_openapi_description_and_its_docs_are_served_without_a_cdn(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/resources/{resource_id}/availability" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.get_data(as_text=True)
    assert "swagger-ui-bundle" in html and "https://" not in html
