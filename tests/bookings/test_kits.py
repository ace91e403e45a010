"""Lending a kit: hand-over and return with the checklist, condition notes and deposit; units and peaks."""

from __future__ import annotations

import pytest

from app.bookings.availability import Hold, free_units, peak_units
from app.bookings.errors import Code
from app.bookings.service import Refusal, approve, hand_over, request_booking, return_kit
from app.extensions import db
from app.models import BookingStatus, KitCheckKind
from tests.factories.bookings import NOW, paris

ALL_THERE = {"Caméra": True, "Trépied": True, "Micro": True}
LOAN_STARTS = paris(2027, 3, 2, 10)  # a kit is handed over from the day before its loan starts


def _hold(start_hour, end_hour, quantity, day=2):
    return Hold(0, 1, paris(2027, 3, day, start_hour), paris(2027, 3, day, end_hour), quantity)


def test_the_peak_is_a_sweep_not_a_sum():
    monday_to_tuesday = [_hold(9, 12, 2), _hold(14, 17, 2)]
    window = (paris(2027, 3, 2, 0), paris(2027, 3, 3, 0))
    assert peak_units(monday_to_tuesday, *window) == 2  # a sum of the overlapping loans would say 4
    assert peak_units([_hold(9, 12, 1), _hold(11, 13, 1), _hold(12, 14, 1)], *window) == 2
    assert peak_units([_hold(9, 12, 1), _hold(12, 14, 1)], *window) == 1  # back to back: a returned unit leaves again
    assert peak_units([_hold(9, 12, 3)], paris(2027, 3, 2, 12), paris(2027, 3, 2, 14)) == 0  # outside the window
    assert peak_units([], *window) == 0


def test_free_units_over_a_week(world):
    kit = world.kit
    for day, quantity in ((2, 1), (3, 2), (4, 1)):
        booking = request_booking(
            kit, world.member, paris(2027, 3, day, 10), paris(2027, 3, day, 12), quantity=quantity, now=NOW
        )
        approve(booking, world.manager, now=NOW)
    assert free_units(kit, paris(2027, 3, 1), paris(2027, 3, 8)) == 1
    assert free_units(kit, paris(2027, 3, 4), paris(2027, 3, 8)) == 2
    assert free_units(kit, paris(2027, 3, 5), paris(2027, 3, 8)) == 3


def _approved_loan(world, quantity=1):
    booking = request_booking(
        world.kit, world.member, paris(2027, 3, 2, 10), paris(2027, 3, 4, 17), quantity=quantity, now=NOW
    )
    approve(booking, world.manager, now=NOW)
    return booking


def test_hand_over_and_return_with_checklist_notes_and_deposit(world, signals_sent):
    loan = _approved_loan(world, quantity=2)
    assert loan.deposit_cents == 40000
    out = hand_over(
        loan, world.manager, checklist=ALL_THERE, condition_notes="Rayure sur l'écran", now=paris(2027, 3, 2, 10)
    )
    assert loan.status == BookingStatus.HANDED_OVER and out.kind == KitCheckKind.HANDOVER
    assert out.deposit_cents == 40000 and out.missing_items == []
    assert signals_sent[-1][0] == "booking_handed_over"

    back = return_kit(
        loan,
        world.manager,
        checklist={"Caméra": True, "Trépied": True, "Micro": False},
        condition_notes="Micro perdu",
        deposit_returned_cents=35000,
        now=paris(2027, 3, 4, 16),
    )
    assert loan.status == BookingStatus.RETURNED
    assert back.missing_items == ["Micro"] and back.deposit_cents == 35000
    assert [c.kind for c in loan.kit_checks] == [KitCheckKind.HANDOVER, KitCheckKind.RETURN]
    assert signals_sent[-1][0] == "booking_returned"


def test_the_checklist_must_be_answered_line_by_line(world):
    loan = _approved_loan(world)
    with pytest.raises(Refusal) as refused:
        hand_over(loan, world.manager, checklist={"Caméra": True}, now=LOAN_STARTS)
    assert refused.value.codes == [Code.CHECKLIST]
    with pytest.raises(Refusal) as refused:
        hand_over(loan, world.manager, checklist={**ALL_THERE, "Drone": True}, now=LOAN_STARTS)
    assert refused.value.codes == [Code.CHECKLIST]
    assert loan.status == BookingStatus.APPROVED and loan.kit_checks == []


def test_a_deposit_kept_or_an_item_missing_needs_a_note(world):
    loan = _approved_loan(world)
    hand_over(loan, world.manager, checklist=ALL_THERE, now=LOAN_STARTS)
    for checklist, returned in ((ALL_THERE, 10000), ({**ALL_THERE, "Micro": False}, None)):
        with pytest.raises(Refusal) as refused:
            return_kit(loan, world.manager, checklist=checklist, deposit_returned_cents=returned, now=LOAN_STARTS)
        assert refused.value.codes == [Code.REASON_REQUIRED]
    with pytest.raises(Refusal) as refused:
        return_kit(loan, world.manager, checklist=ALL_THERE, deposit_returned_cents=30000, now=LOAN_STARTS)
    assert refused.value.codes == [Code.DEPOSIT]
    return_kit(loan, world.manager, checklist=ALL_THERE, now=LOAN_STARTS)
    assert loan.kit_checks[-1].deposit_cents == 20000  # given back in full by default


def test_only_managers_hand_over_only_kits_and_only_in_order(world):
    loan = _approved_loan(world)
    with pytest.raises(Refusal) as refused:
        hand_over(loan, world.member, checklist=ALL_THERE, now=NOW)
    assert refused.value.codes == [Code.NOT_ALLOWED]
    with pytest.raises(Refusal) as refused:
        return_kit(loan, world.manager, checklist=ALL_THERE, now=NOW)
    assert refused.value.codes == [Code.TRANSITION]
    room = request_booking(world.room, world.member, paris(2027, 3, 2, 10), paris(2027, 3, 2, 12), now=NOW)
    approve(room, world.manager, now=NOW)
    with pytest.raises(Refusal) as refused:
        hand_over(room, world.manager, checklist={}, now=NOW)
    assert refused.value.codes == [Code.TRANSITION]


def test_a_handed_over_kit_holds_its_units_and_frees_them_when_returned(world):
    loan = _approved_loan(world, quantity=3)
    hand_over(loan, world.manager, checklist=ALL_THERE, now=paris(2027, 3, 2, 10))
    period = (paris(2027, 3, 3, 10), paris(2027, 3, 3, 12))
    assert free_units(world.kit, *period) == 0
    return_kit(loan, world.manager, checklist=ALL_THERE, now=paris(2027, 3, 2, 17))
    db.session.flush()
    assert free_units(world.kit, *period) == 3
    later = request_booking(world.kit, world.other_member, *period, quantity=3, now=paris(2027, 3, 2, 17))
    approve(later, world.manager, now=paris(2027, 3, 2, 17))
    assert later.status == BookingStatus.APPROVED
