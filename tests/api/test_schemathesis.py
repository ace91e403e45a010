"""Schemathesis against the live app (WSGI), from the app's own OpenAPI description: no server
error, no answer that contradicts the description (status, content type, body), and the stateful
links of a booking (create, then fetch, then cancel). Bounded: a few examples per operation."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db
from tests.helpers import moment

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=5,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_answers_within_its_description(app, world, open_day, bearer):
    headers = bearer(world.manager)  # a manager: the desk's operations answer too
    db.session.commit()
    schema = _schema(app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()


def test_the_stateful_links_create_then_fetch_then_cancel(app, world, open_day, bearer):
    headers = bearer(world.member)
    db.session.commit()
    schema = _schema(app)
    room_id = world.room.id
    valid = {
        "resource_id": room_id,
        "starts_at": moment(open_day, 10).isoformat(),
        "ends_at": moment(open_day, 12).isoformat(),
        "attendees": 4,
    }
    created: list[int] = []
    followed: set[tuple[str, str]] = set()

    bookings = schema.include(operation_id=["createBooking", "getBooking", "cancelBooking", "listMyBookings"])

    class Machine(bookings.as_state_machine()):
        def before_call(self, case):
            if case.method == "POST" and case.path == "/api/v1/me/bookings":
                case.body = dict(valid)  # a request the engine accepts, so that the links are followed

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            super().after_call(response, case)
            if case.method == "POST" and case.path == "/api/v1/me/bookings" and response.status_code == 201:
                created.append(response.json()["id"])
            elif response.status_code == 200 and case.path.startswith("/api/v1/me/bookings/{booking_id}"):
                followed.add((case.method, case.path))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(BOUNDED, max_examples=10, stateful_step_count=5))
    assert created  # bookings were made, and then fetched or cancelled through the links
    assert followed & {("GET", "/api/v1/me/bookings/{booking_id}"), ("POST", "/api/v1/me/bookings/{booking_id}/cancel")}


def test_the_links_of_a_new_booking_lead_to_it_and_to_its_cancellation(client, app, world, open_day, bearer):
    """The description's links, followed by hand: create, then fetch, then cancel."""
    headers = bearer(world.member)
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    operations = {
        op["operationId"]: (method, path)
        for path, item in paths.items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    links = paths["/api/v1/me/bookings"]["post"]["responses"]["201"]["links"]
    body = {
        "resource_id": world.room.id,
        "starts_at": moment(open_day, 14).isoformat(),
        "ends_at": moment(open_day, 15).isoformat(),
    }
    made = client.post("/api/v1/me/bookings", json=body, headers=headers)
    assert made.status_code == 201
    for name, expected_status in (("GetBooking", "requested"), ("CancelBooking", "cancelled")):
        link = links[name]
        assert link["parameters"] == {"booking_id": "$response.body#/id"}
        method, path = operations[link["operationId"]]
        url = path.replace("{booking_id}", str(made.get_json()["id"]))
        answer = client.open(url, method=method.upper(), json={} if method == "post" else None, headers=headers)
        assert answer.status_code == 200
        assert answer.get_json()["status"] == expected_status
