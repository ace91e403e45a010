"""The life of a booking: who may do what, approval policies, collisions, edits, cancellations, audit, signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.bookings.errors import Code
from app.bookings.service import (
    Action,
    Refusal,
    allowed_actions,
    approve,
    cancel,
    check_edit,
    edit_booking,
    preview_approval,
    reject,
    request_booking,
)
from app.bookings.transitions import TRANSITIONS
from app.extensions import db
from app.models import ApprovalPolicy, AuditEntry, Booking, BookingStatus, Qualification
from tests.factories.bookings import NOW, paris

TUE_10, TUE_11, TUE_12 = paris(2027, 3, 2, 10), paris(2027, 3, 2, 11), paris(2027, 3, 2, 12)


def trail(booking):
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "booking", AuditEntry.subject_id == booking.id)
        .order_by(AuditEntry.id)
    )
    return [(e.action, e.from_status, e.to_status, e.actor_id, e.reason) for e in entries]


def test_the_transition_table_is_the_single_source_of_allowed_moves():
    moves = {
        (status.value if status else None, action.value): rule.to for (status, action), rule in TRANSITIONS.items()
    }
    assert moves == {
        (None, "request"): BookingStatus.REQUESTED,
        ("requested", "approve"): BookingStatus.APPROVED,
        ("requested", "reject"): BookingStatus.REJECTED,
        ("requested", "cancel"): BookingStatus.CANCELLED,
        ("approved", "cancel"): BookingStatus.CANCELLED,
        ("requested", "edit"): None,
        ("approved", "edit"): None,
        ("approved", "hand_over"): BookingStatus.HANDED_OVER,
        ("handed_over", "return"): BookingStatus.RETURNED,
    }


def test_a_request_waits_for_a_manager_who_approves_it(world, signals_sent):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, attendees=5, purpose=" Réunion ", now=NOW)
    assert booking.status == BookingStatus.REQUESTED
    assert (booking.purpose, booking.organisation_id) == ("Réunion", world.member.organisation_id)
    assert [(name, kwargs["actor"]) for name, _, kwargs in signals_sent] == [("booking_requested", world.member)]

    for stranger in (world.member, world.other_manager, world.outsider):
        with pytest.raises(Refusal) as refused:
            approve(booking, stranger, now=NOW)
        assert refused.value.codes == [Code.NOT_ALLOWED]
    assert approve(booking, world.manager, "Bonne réunion", now=NOW) == []
    assert (booking.status, booking.decided_by_id, booking.decided_at) == (
        BookingStatus.APPROVED,
        world.manager.id,
        NOW,
    )
    assert signals_sent[-1][0] == "booking_approved" and signals_sent[-1][2]["reason"] == "Bonne réunion"
    assert trail(booking) == [
        ("requested", None, "requested", world.member.id, ""),
        ("approved", "requested", "approved", world.manager.id, "Bonne réunion"),
    ]
    with pytest.raises(Refusal) as refused:
        approve(booking, world.manager, now=NOW)
    assert refused.value.codes == [Code.TRANSITION]


def test_a_coordinator_may_approve_in_any_venue(world):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.coordinator, now=NOW)
    assert booking.status == BookingStatus.APPROVED


@pytest.mark.parametrize(
    ("policy", "approved_for"),
    [
        (ApprovalPolicy.MANAGER, set()),
        (ApprovalPolicy.VENUE_MEMBERS, {"member", "manager"}),
        (ApprovalPolicy.CONSORTIUM, {"member", "other_member", "manager"}),
    ],
)
def test_approval_policy(world, signals_sent, policy, approved_for):
    world.kit.approval_policy = policy
    db.session.flush()
    approved = set()
    for day, name in zip((3, 4, 5, 8, 9), ("member", "other_member", "partner", "outsider", "manager"), strict=True):
        start = paris(2027, 3, day, 10)
        booking = request_booking(world.kit, getattr(world, name), start, start + timedelta(hours=2), now=NOW)
        if booking.status == BookingStatus.APPROVED:
            approved.add(name)
            assert booking.decided_by_id is None
            assert trail(booking)[-1][:4] == ("approved", "requested", "approved", None)
    assert approved == approved_for
    assert sum(1 for name, _, _ in signals_sent if name == "booking_approved") == len(approved_for)
    assert sum(1 for name, _, _ in signals_sent if name == "booking_requested") == 5 - len(approved_for)


def test_requests_may_overlap_until_one_is_approved_which_rejects_the_others_with_a_reason(world, signals_sent):
    first = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    second = request_booking(world.room, world.other_member, TUE_11, paris(2027, 3, 2, 13), now=NOW)
    later = request_booking(world.room, world.other_member, TUE_12, paris(2027, 3, 2, 13), now=NOW)
    assert preview_approval(first) == [second]
    assert approve(first, world.manager, now=NOW) == [second]
    assert second.status == BookingStatus.REJECTED and later.status == BookingStatus.REQUESTED
    assert second.decision_note == "Le créneau a été attribué à une autre demande."
    assert trail(second)[-1] == ("rejected", "requested", "rejected", world.manager.id, second.decision_note)
    rejected_signal = [
        kwargs for name, sender, kwargs in signals_sent if name == "booking_rejected" and sender is second
    ]
    assert rejected_signal[0]["reason"] == second.decision_note
    # A request can never overlap an approved booking.
    with pytest.raises(Refusal) as refused:
        request_booking(world.room, world.outsider, TUE_11, TUE_12, now=NOW)
    assert Code.ALREADY_BOOKED in refused.value.codes


def test_approving_a_kit_loan_rejects_only_the_requests_that_no_longer_fit(world):
    kit = world.kit
    big = request_booking(kit, world.member, TUE_10, TUE_12, quantity=2, now=NOW)
    small = request_booking(kit, world.other_member, TUE_11, paris(2027, 3, 2, 13), quantity=1, now=NOW)
    too_many = request_booking(kit, world.outsider, TUE_11, TUE_12, quantity=2, now=NOW)
    assert preview_approval(big) == [too_many]
    approve(big, world.manager, now=NOW)
    assert (small.status, too_many.status) == (BookingStatus.REQUESTED, BookingStatus.REJECTED)
    approve(small, world.manager, now=NOW)  # 2 + 1 = 3 units: it fits


def test_an_automatic_approval_also_rejects_the_requests_it_collides_with(world):
    waiting = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    world.room.approval_policy = ApprovalPolicy.CONSORTIUM
    taken = request_booking(world.room, world.other_member, TUE_11, TUE_12, now=NOW)
    assert taken.status == BookingStatus.APPROVED
    assert waiting.status == BookingStatus.REJECTED
    assert trail(waiting)[-1][3] is None  # rejected by the system, not by a person


def test_approval_is_refused_when_the_slot_is_held_meanwhile(world):
    pending = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    # A booking approved outside this request's sight (an import, another path): the check still holds.
    db.session.add(
        Booking(
            resource=world.room,
            requester=world.other_member,
            starts_at=TUE_11,
            ends_at=TUE_12,
            holds_until=TUE_12,
            exclusive=True,
            status=BookingStatus.APPROVED,
        )
    )
    db.session.flush()
    with pytest.raises(Refusal) as refused:
        approve(pending, world.manager, now=NOW)
    assert refused.value.codes == [Code.ALREADY_BOOKED]
    assert pending.status == BookingStatus.REQUESTED


def test_reject_needs_a_reason(world, signals_sent):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    with pytest.raises(Refusal) as refused:
        reject(booking, world.manager, "  ", now=NOW)
    assert refused.value.codes == [Code.REASON_REQUIRED]
    with pytest.raises(Refusal) as refused:
        reject(booking, world.member, "je change d'avis", now=NOW)
    assert refused.value.codes == [Code.NOT_ALLOWED]
    reject(booking, world.manager, "Salle réservée pour une formation", now=NOW)
    assert booking.status == BookingStatus.REJECTED
    assert signals_sent[-1][0] == "booking_rejected"


def test_cancelling_requester_before_the_start_managers_any_time_with_a_reason(world, signals_sent):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    during = TUE_11
    with pytest.raises(Refusal) as refused:
        cancel(booking, world.member, now=during)
    assert refused.value.codes == [Code.STARTED]
    with pytest.raises(Refusal) as refused:
        cancel(booking, world.other_member, "pas à moi", now=NOW)
    assert refused.value.codes == [Code.NOT_ALLOWED]
    with pytest.raises(Refusal) as refused:
        cancel(booking, world.manager, now=during)
    assert refused.value.codes == [Code.REASON_REQUIRED]
    cancel(booking, world.manager, "Dégât des eaux", now=during)
    assert booking.status == BookingStatus.CANCELLED
    assert trail(booking)[-1] == ("cancelled", "approved", "cancelled", world.manager.id, "Dégât des eaux")
    assert signals_sent[-1][0] == "booking_cancelled" and signals_sent[-1][2]["actor"] == world.manager

    mine = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    cancel(mine, world.member, now=NOW)  # no reason needed from the requester
    assert mine.status == BookingStatus.CANCELLED
    with pytest.raises(Refusal) as refused:
        cancel(mine, world.member, now=NOW)
    assert refused.value.codes == [Code.TRANSITION]


def test_allowed_actions_for_the_buttons(world):
    booking = request_booking(world.kit, world.member, TUE_10, TUE_12, now=NOW)
    assert set(allowed_actions(booking, world.member, NOW)) == {Action.CANCEL, Action.EDIT}
    assert set(allowed_actions(booking, world.manager, NOW)) == {
        Action.APPROVE,
        Action.REJECT,
        Action.CANCEL,
        Action.EDIT,
    }
    assert allowed_actions(booking, world.outsider, NOW) == []
    approve(booking, world.manager, now=NOW)
    assert set(allowed_actions(booking, world.manager, NOW)) == {Action.CANCEL, Action.EDIT, Action.HAND_OVER}
    assert allowed_actions(booking, world.member, TUE_11) == []  # under way: the requester can no longer act


def test_an_edit_that_only_shortens_stays_approved(world, signals_sent):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, attendees=4, now=NOW)
    approve(booking, world.manager, now=NOW)
    change = edit_booking(booking, world.member, ends_at=TUE_11, now=NOW)
    assert not change.back_to_manager and booking.status == BookingStatus.APPROVED
    assert change.changes["ends_at"] == (TUE_12, TUE_11)
    assert change.changes["price_cents"] == (2000, 1000)  # recomputed, and said
    assert (booking.revision, booking.price_cents) == (1, 1000)
    assert signals_sent[-1][0] == "booking_edited" and signals_sent[-1][2]["changes"] == change.changes
    entry = trail(booking)[-1]
    assert entry[:3] == ("edited", "approved", "approved")


def test_an_edit_that_lengthens_waits_for_the_manager_and_the_booking_keeps_its_slot(world, signals_sent):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    sent = len(signals_sent)
    change = edit_booking(booking, world.member, starts_at=paris(2027, 3, 2, 9), now=NOW)
    assert change.back_to_manager and booking.status == BookingStatus.APPROVED
    assert booking.starts_at == TUE_10 and booking.decided_by_id == world.manager.id
    assert change.pending_change.starts_at == paris(2027, 3, 2, 9)
    assert len(signals_sent) == sent  # nothing about the booking changed yet
    assert trail(booking)[-1][:3] == ("change_requested", "approved", "approved")
    # Shifting without lengthening is not shortening either.
    moved = edit_booking(booking, world.manager, starts_at=TUE_11, ends_at=paris(2027, 3, 2, 14), now=NOW)
    assert booking.status == BookingStatus.APPROVED and moved.pending_change is not None


def test_an_edit_is_told_beforehand_and_the_telling_writes_nothing(world, signals_sent):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    sent, revision = len(signals_sent), booking.revision

    shorter = check_edit(booking, ends_at=TUE_11, now=NOW)
    assert shorter.ok and not shorter.back_to_manager
    assert shorter.quote.price_cents == 1000 and shorter.changes["price_cents"] == (2000, 1000)
    longer = check_edit(booking, starts_at=paris(2027, 3, 2, 9), now=NOW)
    assert longer.ok and longer.back_to_manager and longer.quote.price_cents == 3000
    outside = check_edit(booking, starts_at=paris(2027, 3, 2, 14), ends_at=paris(2027, 3, 2, 18, 30), now=NOW)
    assert not outside.ok and [r.code for r in outside.reasons] == [Code.OUTSIDE_HOURS]
    same = check_edit(booking, ends_at=TUE_12, now=NOW)
    assert [r.code for r in same.reasons] == [Code.NOTHING_TO_CHANGE]

    db.session.expire_all()
    assert (booking.ends_at, booking.status, booking.revision) == (TUE_12, BookingStatus.APPROVED, revision)
    assert len(signals_sent) == sent
    # What it announced is what the edit does.
    assert edit_booking(booking, world.member, ends_at=TUE_11, now=NOW).changes == shorter.changes


def test_an_edit_is_checked_like_a_new_request_but_does_not_collide_with_itself(world):
    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    edit_booking(booking, world.member, ends_at=paris(2027, 3, 2, 11, 30), now=NOW)
    with pytest.raises(Refusal) as refused:
        edit_booking(booking, world.member, starts_at=paris(2027, 3, 2, 14), ends_at=paris(2027, 3, 2, 18, 30), now=NOW)
    assert refused.value.codes == [Code.OUTSIDE_HOURS]
    with pytest.raises(Refusal) as refused:
        edit_booking(booking, world.member, ends_at=paris(2027, 3, 2, 11, 30), now=NOW)
    assert refused.value.codes == [Code.NOTHING_TO_CHANGE]
    other = request_booking(world.room, world.other_member, TUE_12, paris(2027, 3, 2, 14), now=NOW)
    approve(other, world.manager, now=NOW)
    with pytest.raises(Refusal) as refused:
        edit_booking(booking, world.manager, ends_at=paris(2027, 3, 2, 12, 30), now=NOW)
    assert refused.value.codes == [Code.ALREADY_BOOKED]
    assert booking.ends_at == paris(2027, 3, 2, 11, 30)


def test_an_edit_back_to_the_manager_is_approved_again_when_the_policy_says_so(world):
    world.kit.approval_policy = ApprovalPolicy.VENUE_MEMBERS
    booking = request_booking(world.kit, world.member, TUE_10, TUE_12, now=NOW)
    assert booking.status == BookingStatus.APPROVED
    change = edit_booking(booking, world.member, quantity=2, now=NOW)
    assert change.back_to_manager and booking.status == BookingStatus.APPROVED
    assert [entry[0] for entry in trail(booking)] == ["requested", "approved", "edited", "approved"]


def test_a_booking_under_way_may_be_shortened_by_a_manager_not_by_the_requester(world):
    db.session.add(Qualification(user=world.member, resource=world.laser, granted_at=NOW - timedelta(days=1)))
    booking = request_booking(world.laser, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    with pytest.raises(Refusal) as refused:
        edit_booking(booking, world.member, ends_at=TUE_11, now=paris(2027, 3, 2, 10, 30))
    assert refused.value.codes == [Code.STARTED]
    edit_booking(booking, world.manager, ends_at=TUE_11, reason="Panne", now=paris(2027, 3, 2, 10, 30))
    assert booking.status == BookingStatus.APPROVED
    assert booking.holds_until == paris(2027, 3, 2, 11, 30)  # end plus the laser's 30-minute buffer
