"""No double booking under real concurrency, on SQLite and on PostgreSQL.

Twenty threads, each with its own application context, hence its own session and
database connection, start together (a barrier) and go through the real engine:
lock the resource, check, write, commit. The data they need is committed first.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app.bookings.errors import Code, Refusal
from app.bookings.lifecycle import approve, reject, request_booking
from app.bookings.transitions import holding_guard
from app.extensions import db
from app.models import ApprovalPolicy, AuditEntry, Booking, BookingStatus, Resource, ResourceKind, User
from tests.factories import make_resource, make_user
from tests.factories.bookings import NOW, build_world, paris

THREADS = 20
START, END = paris(2027, 3, 2, 10), paris(2027, 3, 2, 12)


def _race(app, work, arguments):
    """Run ``work(*args)`` for each argument tuple in its own thread and context, all at once."""
    barrier = threading.Barrier(len(arguments))

    def attempt(args):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                result = work(*args)
                db.session.commit()
                return "ok", result
            except Refusal as refusal:
                db.session.rollback()
                return "refused", tuple(refusal.codes)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(attempt, arguments))


def _members(count):
    return [make_user(f"membre{i}@test.example", f"Membre {i}").id for i in range(count)]


def _request(resource_id, user_id, quantity=1):
    booking = request_booking(
        db.session.get(Resource, resource_id), db.session.get(User, user_id), START, END, quantity=quantity, now=NOW
    )
    return booking.status


def _holders(resource_id):
    return db.session.scalars(
        select(Booking).where(Booking.resource_id == resource_id, Booking.status == BookingStatus.APPROVED)
    ).all()


def test_twenty_requests_for_one_machine_slot_give_one_booking(app):
    world = build_world()
    printer = make_resource(
        world.venue, "imprimante", "Imprimante 3D", kind=ResourceKind.MACHINE, approval_policy=ApprovalPolicy.CONSORTIUM
    )  # approved at once
    arguments = [(printer.id, member) for member in _members(THREADS)]
    db.session.commit()  # from here on the test's session reads nothing: on SQLite a read would take the lock

    results = _race(app, _request, arguments)

    assert Counter(outcome for outcome, _ in results) == {"ok": 1, "refused": THREADS - 1}
    assert [result for outcome, result in results if outcome == "ok"] == [BookingStatus.APPROVED]
    assert {result for outcome, result in results if outcome == "refused"} == {(Code.ALREADY_BOOKED,)}
    assert len(_holders(arguments[0][0])) == 1


def test_twenty_requests_for_one_unit_of_a_three_unit_kit_give_three_loans(app):
    world = build_world()
    world.kit.approval_policy = ApprovalPolicy.CONSORTIUM
    arguments = [(world.kit.id, member) for member in _members(THREADS)]
    db.session.commit()

    results = _race(app, _request, arguments)

    assert Counter(outcome for outcome, _ in results) == {"ok": 3, "refused": THREADS - 3}
    assert {result for outcome, result in results if outcome == "refused"} == {(Code.NOT_ENOUGH_UNITS,)}
    assert sum(b.quantity for b in _holders(arguments[0][0])) == 3


def test_twenty_managers_approving_colliding_requests_at_once_approve_one(app):
    world = build_world()
    world.laser.requires_training = False
    members = _members(THREADS)
    pending = [request_booking(world.laser, db.session.get(User, member), START, END, now=NOW).id for member in members]
    manager_id = world.manager.id
    db.session.commit()

    def approve_one(booking_id):
        approve(db.session.get(Booking, booking_id), db.session.get(User, manager_id), now=NOW)

    results = _race(app, approve_one, [(booking_id,) for booking_id in pending])

    assert Counter(outcome for outcome, _ in results) == {"ok": 1, "refused": THREADS - 1}
    # Refused because the slot is now held, or because the request was already turned down.
    assert {result for outcome, result in results if outcome == "refused"} <= {
        (Code.ALREADY_BOOKED,),
        (Code.TRANSITION,),
    }
    db.session.expire_all()
    statuses = Counter(db.session.get(Booking, booking_id).status for booking_id in pending)
    assert statuses == {BookingStatus.APPROVED: 1, BookingStatus.REJECTED: THREADS - 1}


def test_twenty_managers_deciding_one_request_at_once_make_one_decision(app):
    """Ten approve and ten reject the same request: one decision is made, the others see it was."""
    world = build_world()
    booking_id = request_booking(world.room, world.member, START, END, now=NOW).id
    deciders = [world.manager.id, world.coordinator.id] * (THREADS // 2)
    db.session.commit()

    def decide(index, user_id):
        booking, user = db.session.get(Booking, booking_id), db.session.get(User, user_id)
        if index % 2:
            reject(booking, user, "Pas ce jour-là", now=NOW)
        else:
            approve(booking, user, now=NOW)
        return booking.status

    results = _race(app, decide, list(enumerate(deciders)))

    assert Counter(outcome for outcome, _ in results) == {"ok": 1, "refused": THREADS - 1}
    assert {result for outcome, result in results if outcome == "refused"} == {(Code.TRANSITION,)}
    decided = next(result for outcome, result in results if outcome == "ok")
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status == decided
    audit = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking_id)
    ).all()
    assert sorted(audit) == sorted(["requested", "approved" if decided == BookingStatus.APPROVED else "rejected"])


@pytest.mark.postgres_only
def test_the_exclusion_constraint_catches_what_a_check_missed(app):
    """The database itself refuses two holders of one slot; the engine reports it as "already booked"."""
    world = build_world()
    first = Booking(
        resource=world.room,
        requester=world.member,
        starts_at=START,
        ends_at=END,
        holds_until=END,
        exclusive=True,
        status=BookingStatus.APPROVED,
    )
    db.session.add(first)
    db.session.flush()
    with pytest.raises(Refusal) as refused, holding_guard():
        db.session.add(
            Booking(
                resource=world.room,
                requester=world.other_member,
                starts_at=paris(2027, 3, 2, 11),
                ends_at=paris(2027, 3, 2, 13),
                holds_until=paris(2027, 3, 2, 13),
                exclusive=True,
                status=BookingStatus.APPROVED,
            )
        )
    assert refused.value.codes == [Code.ALREADY_BOOKED]
    # Only the savepoint was rolled back: the transaction goes on, back-to-back bookings and kits are fine.
    with holding_guard():
        db.session.add(
            Booking(
                resource=world.room,
                requester=world.other_member,
                starts_at=END,
                ends_at=paris(2027, 3, 2, 13),
                holds_until=paris(2027, 3, 2, 13),
                exclusive=True,
                status=BookingStatus.APPROVED,
            )
        )
        for _ in range(2):
            db.session.add(
                Booking(
                    resource=world.kit,
                    requester=world.member,
                    starts_at=START,
                    ends_at=END,
                    holds_until=END,
                    exclusive=False,
                    status=BookingStatus.APPROVED,
                )
            )
    db.session.commit()
    assert len(_holders(world.room.id)) == 2
