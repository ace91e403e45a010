"""The waitlist: join, offers in order when a slot frees up, fulfilled when booked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.bookings.errors import Code
from app.bookings.service import (
    Refusal,
    approve,
    cancel,
    edit_booking,
    join_waitlist,
    leave_waitlist,
    request_booking,
    waiting_for,
)
from app.extensions import db
from app.models import WaitlistStatus
from tests.factories.bookings import NOW, paris

TUE_10, TUE_11, TUE_12 = paris(2027, 3, 2, 10), paris(2027, 3, 2, 11), paris(2027, 3, 2, 12)


def _approved(world, user, start, end, **kwargs):
    booking = request_booking(world.room, user, start, end, now=NOW, **kwargs)
    approve(booking, world.manager, now=NOW)
    return booking


def _offers(signals_sent):
    return [(sender, kwargs["booking"]) for name, sender, kwargs in signals_sent if name == "waitlist_offered"]


def test_joining_the_waitlist(world):
    entry = join_waitlist(world.room, world.other_member, TUE_10, TUE_12, now=NOW)
    assert entry.status == WaitlistStatus.WAITING
    with pytest.raises(Refusal) as refused:
        join_waitlist(world.room, world.other_member, TUE_11, TUE_12, now=NOW)
    assert refused.value.codes == [Code.ALREADY_WAITING]
    with pytest.raises(Refusal) as refused:
        join_waitlist(world.room, world.partner, TUE_10, TUE_12, now=NOW)
    assert refused.value.codes == [Code.AUDIENCE]
    with pytest.raises(Refusal) as refused:
        join_waitlist(world.room, world.member, NOW - timedelta(hours=1), NOW + timedelta(hours=1), now=NOW)
    assert refused.value.codes == [Code.PAST]
    assert waiting_for(world.room, TUE_10, TUE_11) == [entry]


def test_a_cancelled_slot_is_offered_to_the_waiting_members_in_order(world, signals_sent):
    booking = _approved(world, world.member, TUE_10, TUE_12)
    first = join_waitlist(world.room, world.other_member, TUE_11, TUE_12, now=NOW)
    second = join_waitlist(world.room, world.manager, TUE_10, TUE_11, now=NOW + timedelta(minutes=1))
    elsewhere = join_waitlist(world.room, world.coordinator, paris(2027, 3, 3, 10), paris(2027, 3, 3, 11), now=NOW)
    cancel(booking, world.member, now=NOW)
    assert _offers(signals_sent) == [(first, booking), (second, booking)]
    assert (first.status, second.status, elsewhere.status) == (
        WaitlistStatus.OFFERED,
        WaitlistStatus.OFFERED,
        WaitlistStatus.WAITING,
    )
    assert first.offered_booking_id == booking.id and first.offered_at == NOW
    # The first to book takes the slot; their entry is fulfilled.
    request_booking(world.room, world.other_member, TUE_11, TUE_12, now=NOW)
    assert first.status == WaitlistStatus.FULFILLED


def test_only_periods_that_became_free_are_offered(world, signals_sent):
    booking = _approved(world, world.member, TUE_10, TUE_11)
    _approved(world, world.coordinator, TUE_11, TUE_12)
    still_taken = join_waitlist(world.room, world.other_member, TUE_10, TUE_12, now=NOW)
    cancel(booking, world.member, now=NOW)
    assert _offers(signals_sent) == []
    assert still_taken.status == WaitlistStatus.WAITING


def test_shortening_a_booking_offers_the_freed_end(world, signals_sent):
    booking = _approved(world, world.member, TUE_10, TUE_12)
    entry = join_waitlist(world.room, world.other_member, TUE_11, TUE_12, now=NOW)
    edit_booking(booking, world.member, ends_at=TUE_11, now=NOW)
    assert _offers(signals_sent) == [(entry, booking)]


def test_a_pending_request_cancelled_frees_nothing_and_offers_nothing(world, signals_sent):
    pending = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    join_waitlist(world.room, world.other_member, TUE_10, TUE_12, now=NOW)
    cancel(pending, world.member, now=NOW)
    assert _offers(signals_sent) == []


def test_leaving_the_waitlist(world, signals_sent):
    booking = _approved(world, world.member, TUE_10, TUE_12)
    entry = join_waitlist(world.room, world.other_member, TUE_10, TUE_12, now=NOW)
    with pytest.raises(Refusal) as refused:
        leave_waitlist(entry, world.outsider, now=NOW)
    assert refused.value.codes == [Code.NOT_ALLOWED]
    leave_waitlist(entry, world.other_member, now=NOW)
    assert entry.status == WaitlistStatus.WITHDRAWN
    db.session.flush()
    cancel(booking, world.member, now=NOW)
    assert _offers(signals_sent) == []
