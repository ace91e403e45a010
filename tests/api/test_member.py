"""A member's bookings and a manager's pending requests through the API: the booking form's and
the desk's rules, refusals, codes and messages."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ApprovalPolicy, Booking, BookingStatus
from tests.helpers import local, log_in, moment, page_text


def _new(world, day, start=10, end=12, **extra):
    return {
        "resource_id": world.room.id,
        "starts_at": moment(day, start).isoformat(),
        "ends_at": moment(day, end).isoformat(),
        "attendees": 6,
        "purpose": "Assemblée générale",
        **extra,
    }


def test_a_member_asks_for_a_room_fetches_edits_and_cancels_it(client, world, open_day, bearer):
    headers = bearer(world.member)
    made = client.post("/api/v1/me/bookings", json=_new(world, open_day), headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["status"] == "requested"  # the room waits for a manager, as with the form
    assert body["price_cents"] == 2000  # 2 hours at 10 € (the consortium's tariff)
    assert made.headers["Location"] == body["url"]
    assert body["starts_at"] == moment(open_day, 10).astimezone(_paris()).isoformat()

    fetched = client.get(body["url"], headers=headers).get_json()
    assert fetched["id"] == body["id"] and "cancel" in fetched["actions"]

    edited = client.patch(body["url"], json={"purpose": "Conseil d'administration"}, headers=headers)
    assert edited.status_code == 200
    assert edited.get_json()["purpose"] == "Conseil d'administration"

    cancelled = client.post(body["url"] + "/cancel", json={"reason": "Reportée"}, headers=headers)
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    listed = client.get("/api/v1/me/bookings?status=cancelled", headers=headers).get_json()
    assert [b["id"] for b in listed["items"]] == [body["id"]]


def _paris():
    from app.core.clock import PARIS

    return PARIS


def test_the_api_refuses_as_the_form_does_with_the_same_codes_and_messages(client, world, open_day, bearer):
    headers = bearer(world.member)
    late = _new(world, open_day, 19, 20)
    answer = client.post("/api/v1/me/bookings", json=late, headers=headers)
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    problem = answer.get_json()
    codes = [e["code"] for e in problem["errors"]]
    assert "outside_hours" in codes

    log_in(client, world.member)
    form = client.submit(
        f"/ressources/{world.room.id}/reserver",
        {
            "starts_at": local(open_day, 19),
            "ends_at": local(open_day, 20),
            "attendees": "6",
            "purpose": "x",
            "repeat": "none",
        },
    )
    assert form.status_code == 422
    page = page_text(form)
    for error in problem["errors"]:
        assert error["message"] in page

    english = client.post("/api/v1/me/bookings", json=late, headers=headers | {"Accept-Language": "en"})
    assert english.get_json()["title"] == "Request refused"
    assert english.get_json()["errors"][0]["message"] != problem["errors"][0]["message"]
    assert db.session.scalar(select(Booking)) is None


def test_a_slot_taken_is_a_conflict(client, world, open_day, bearer):
    world.room.approval_policy = ApprovalPolicy.CONSORTIUM  # approved at once
    db.session.commit()
    first = client.post("/api/v1/me/bookings", json=_new(world, open_day), headers=bearer(world.member))
    assert first.get_json()["status"] == "approved"
    second = client.post("/api/v1/me/bookings", json=_new(world, open_day), headers=bearer(world.other_member))
    assert second.status_code == 409, second.get_json()
    assert [e["code"] for e in second.get_json()["errors"]] == ["already_booked"]


def test_a_member_sees_neither_the_bookings_of_others_nor_a_bad_body(client, world, open_day, bearer):
    made = client.post("/api/v1/me/bookings", json=_new(world, open_day), headers=bearer(world.member)).get_json()
    other = bearer(world.other_member)
    assert client.get(made["url"], headers=other).status_code == 404
    assert client.post(made["url"] + "/cancel", json={}, headers=other).status_code == 404
    bad = client.post("/api/v1/me/bookings", json={"resource_id": world.room.id}, headers=other)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"starts_at", "ends_at"}
    assert bad.get_json()["errors"][0]["message"] == "Ce champ est obligatoire."
    nowhere = client.post("/api/v1/me/bookings", json=_new(world, open_day) | {"resource_id": 99999}, headers=other)
    assert nowhere.status_code == 404


def test_a_manager_lists_the_pending_requests_of_their_venues_and_decides(client, world, open_day, bearer):
    member = bearer(world.member)
    first = client.post("/api/v1/me/bookings", json=_new(world, open_day), headers=member).get_json()
    second = client.post("/api/v1/me/bookings", json=_new(world, open_day, 11, 13), headers=bearer(world.other_member))
    second = second.get_json()
    manager = bearer(world.manager)
    pending = client.get("/api/v1/desk/requests", headers=manager).get_json()
    assert [b["id"] for b in pending["items"]] == [first["id"], second["id"]]
    assert client.get("/api/v1/desk/requests", headers=bearer(world.other_manager)).get_json()["items"] == []
    assert client.get("/api/v1/desk/requests", headers=member).status_code == 403

    approved = client.post(f"/api/v1/desk/requests/{first['id']}/approve", json={}, headers=manager)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    db.session.expire_all()
    assert db.session.get(Booking, second["id"]).status == BookingStatus.REJECTED  # it collided, as on the desk
    again = client.post(f"/api/v1/desk/requests/{first['id']}/reject", json={"reason": "Non"}, headers=manager)
    assert again.status_code == 422
    assert again.get_json()["errors"][0]["code"] == "transition"
    stranger = client.post(f"/api/v1/desk/requests/{first['id']}/approve", json={}, headers=bearer(world.other_manager))
    assert stranger.status_code == 404
