"""A change to an approved booking waits beside it: the original keeps its slot and its agreement
until a manager decides; approving applies it (a new agreement version), refusing keeps the
original and tells the member. Under real concurrency, the original slot is never free in between."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app.agreements.models import Agreement, AgreementStatus
from app.bookings.errors import Code
from app.bookings.service import (
    Refusal,
    approve,
    approve_change,
    cancel,
    collisions_of,
    edit_booking,
    pending_change_of,
    refuse_change,
    request_booking,
)
from app.extensions import db
from app.models import ApprovalPolicy, Booking, BookingChange, BookingStatus, ChangeStatus, Resource, User
from tests.factories import add_membership, make_user
from tests.factories.bookings import NOW, build_world, paris

TUE_10, TUE_12, TUE_13, TUE_14 = (paris(2027, 3, 2, h) for h in (10, 12, 13, 14))


def _agreements() -> list[tuple[int, AgreementStatus]]:
    db.session.expire_all()
    return [(a.version, a.status) for a in db.session.scalars(select(Agreement).order_by(Agreement.version))]


def _approved_booking(world):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, purpose="Réunion", now=NOW)
    approve(booking, world.manager, now=NOW)
    return booking


def test_a_longer_approved_booking_keeps_its_slot_and_agreement_until_the_change_is_approved(app, outbox):
    world = build_world()
    booking = _approved_booking(world)
    db.session.commit()
    assert _agreements() == [(1, AgreementStatus.ISSUED)]

    change = edit_booking(booking, world.member, ends_at=TUE_13, reason="Atelier plus long", now=NOW).pending_change
    db.session.commit()
    db.session.expire_all()
    assert (booking.status, booking.ends_at, booking.price_cents) == (BookingStatus.APPROVED, TUE_12, 2000)
    assert (change.status, change.ends_at, change.price_cents, change.price_difference_cents) == (
        ChangeStatus.PENDING,
        TUE_13,
        3000,
        1000,
    )
    assert _agreements() == [(1, AgreementStatus.ISSUED)]  # still in force
    (to_manager,) = [m for m in outbox.messages() if m["To"] == world.manager.email]
    assert to_manager["Subject"] == "Modification à examiner : Salle de réunion"
    # The original slot is still held: another member is refused it.
    with pytest.raises(Refusal) as refused:
        request_booking(world.room, world.other_member, TUE_10, TUE_12, now=NOW)
    assert refused.value.codes == [Code.ALREADY_BOOKED]
    db.session.rollback()
    # The desk sees what the new period crosses: a pending request over the extension.
    other = request_booking(world.room, world.other_member, TUE_12, TUE_14, now=NOW)
    assert collisions_of(change) == ([], [other])

    rejected = approve_change(change, world.manager, "D'accord", now=NOW)
    db.session.commit()
    db.session.expire_all()
    assert rejected == [other] and other.status == BookingStatus.REJECTED
    assert (booking.status, booking.ends_at, booking.price_cents, booking.revision) == (
        BookingStatus.APPROVED,
        TUE_13,
        3000,
        1,
    )
    assert change.status == ChangeStatus.APPROVED and pending_change_of(booking) is None
    assert _agreements() == [(1, AgreementStatus.VOID), (2, AgreementStatus.ISSUED)]
    assert any(m["Subject"] == "Réservation modifiée : Salle de réunion" for m in outbox.messages())


def test_a_refused_change_keeps_the_original_and_tells_the_member(app, outbox):
    world = build_world()
    booking = _approved_booking(world)
    change = edit_booking(booking, world.member, starts_at=paris(2027, 3, 2, 9), now=NOW).pending_change
    with pytest.raises(Refusal) as refused:
        refuse_change(change, world.manager, " ", now=NOW)
    assert refused.value.codes == [Code.REASON_REQUIRED]
    with pytest.raises(Refusal) as refused:
        refuse_change(change, world.member, "Non", now=NOW)  # not a manager
    assert refused.value.codes == [Code.NOT_ALLOWED]
    refuse_change(change, world.manager, "La salle est prise avant 10 h.", now=NOW)
    db.session.commit()
    db.session.expire_all()
    assert (booking.status, booking.starts_at, booking.revision) == (BookingStatus.APPROVED, TUE_10, 0)
    assert change.status == ChangeStatus.REFUSED
    assert _agreements() == [(1, AgreementStatus.ISSUED)]
    (mail,) = [m for m in outbox.messages() if m["Subject"] == "Modification refusée : Salle de réunion"]
    assert mail["To"] == world.member.email
    assert "La salle est prise avant 10 h." in mail.get_body(("plain",)).get_content()
    with pytest.raises(Refusal) as refused:
        approve_change(change, world.manager, now=NOW)  # decided already
    assert refused.value.codes == [Code.TRANSITION]


def test_a_newer_change_or_a_cancellation_withdraws_the_pending_one(world):
    booking = _approved_booking(world)
    first = edit_booking(booking, world.member, ends_at=TUE_13, now=NOW).pending_change
    second = edit_booking(booking, world.member, ends_at=TUE_14, now=NOW).pending_change
    assert (first.status, second.status) == (ChangeStatus.WITHDRAWN, ChangeStatus.PENDING)
    cancel(booking, world.member, now=NOW)
    assert second.status == ChangeStatus.WITHDRAWN


def _race(app, work, arguments):
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


def test_under_concurrency_the_original_slot_is_never_free_and_the_extension_goes_to_one(app):
    world = build_world()
    world.room.approval_policy = ApprovalPolicy.VENUE_MEMBERS  # the venue's members are approved at once
    booking = request_booking(world.room, world.other_member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    change = edit_booking(booking, world.other_member, ends_at=TUE_14, now=NOW).pending_change
    members = []
    for i in range(12):
        member = make_user(f"voisin{i}@test.example", f"Voisin {i}")
        add_membership(member, world.venue)
        members.append(member.id)
    ids = {"room": world.room.id, "change": change.id, "manager": world.manager.id, "booking": booking.id}
    db.session.commit()

    def decide(decision):
        found = db.session.get(BookingChange, ids["change"])
        manager = db.session.get(User, ids["manager"])
        if decision == "approve":
            approve_change(found, manager, now=NOW)
        else:
            refuse_change(found, manager, "Trop long", now=NOW)
        return decision

    def book(member_id, start, end):
        room = db.session.get(Resource, ids["room"])
        return request_booking(room, db.session.get(User, member_id), start, end, now=NOW).status

    arguments = [
        ("approve",),
        ("refuse",),
        *[(m, TUE_10, TUE_12) for m in members[:6]],  # the original slot
        *[(m, TUE_12, TUE_14) for m in members[6:]],  # the extension
    ]
    results = _race(app, lambda *a: decide(*a) if len(a) == 1 else book(*a), arguments)

    decisions, originals, extensions = results[:2], results[2:8], results[8:]
    assert {outcome for outcome, _ in originals} == {"refused"}
    assert {codes for _, codes in originals} == {(Code.ALREADY_BOOKED,)}
    # One decision only; the other finds the change decided.
    assert Counter(outcome for outcome, _ in decisions) == {"ok": 1, "refused": 1}
    approved = ("ok", "approve") in decisions
    db.session.expire_all()
    held = db.session.scalars(
        select(Booking).where(Booking.resource_id == ids["room"], Booking.status == BookingStatus.APPROVED)
    ).all()
    kept = db.session.get(Booking, ids["booking"])
    assert kept.status == BookingStatus.APPROVED and kept.starts_at == TUE_10
    if approved:
        assert kept.ends_at == TUE_14 and held == [kept] and {o for o, _ in extensions} == {"refused"}
    else:
        # The change was refused, or an extension request won first and the approval was refused.
        assert kept.ends_at == TUE_12
        assert Counter(o for o, _ in extensions)["ok"] == 1 and len(held) == 2
    for one in held:
        for other in held:
            assert one is other or one.holds_until <= other.starts_at or other.holds_until <= one.starts_at
