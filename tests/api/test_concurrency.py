"""The 20-way race on one slot, through the API: twenty members, each with their token and their own
connection, ask for the same machine slot at once (a barrier); exactly one wins, the others get a
409 with the engine's ``already_booked``. On SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.extensions import db
from app.models import ApprovalPolicy, Booking, BookingStatus, ResourceKind
from tests.factories import make_resource, make_user
from tests.helpers import moment

THREADS = 20


def test_twenty_api_requests_for_one_slot_give_one_booking(app, world, open_day, bearer):
    printer = make_resource(
        world.venue, "imprimante", "Imprimante 3D", kind=ResourceKind.MACHINE, approval_policy=ApprovalPolicy.CONSORTIUM
    )  # approved at once
    db.session.commit()
    members = [make_user(f"course{i}@test.example", f"Membre {i}") for i in range(THREADS)]
    db.session.commit()
    headers = [bearer(member, name=f"Course {i}") for i, member in enumerate(members)]
    body = {
        "resource_id": printer.id,
        "starts_at": moment(open_day, 10).isoformat(),
        "ends_at": moment(open_day, 12).isoformat(),
    }
    printer_id = printer.id
    db.session.commit()
    db.session.close()  # from here on the test's session reads nothing: on SQLite a read would take the lock
    barrier = threading.Barrier(THREADS)

    def attempt(header):
        client = app.test_client()
        barrier.wait(timeout=30)
        answer = client.post("/api/v1/me/bookings", json=body, headers=header)
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(attempt, headers))

    assert Counter(status for status, _ in results) == {201: 1, 409: THREADS - 1}, results
    assert [answer["status"] for status, answer in results if status == 201] == ["approved"]
    assert {tuple(e["code"] for e in answer["errors"]) for status, answer in results if status == 409} == {
        ("already_booked",)
    }
    held = db.session.scalar(
        select(func.count()).where(Booking.resource_id == printer_id, Booking.status == BookingStatus.APPROVED)
    )
    assert held == 1
