"""Every booking rule, and the reason it gives when it refuses."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask_babel import force_locale

from app.bookings.availability import free_resources_and_reads
from app.bookings.errors import Code
from app.bookings.rules import check_booking, check_bookings
from app.bookings.service import Refusal, request_booking
from app.extensions import db
from app.models import (
    Audience,
    Booking,
    BookingStatus,
    Closure,
    ClosureStatus,
    ConsortiumClosure,
    OpeningHours,
    Qualification,
    ResourceKind,
)
from tests.factories import make_organisation, make_resource, make_user, make_venue
from tests.factories.bookings import NOW, paris

TUESDAY_10 = paris(2027, 3, 2, 10)
TUESDAY_12 = paris(2027, 3, 2, 12)


def codes(resource, user, starts_at, ends_at, **kwargs):
    return check_booking(resource, user, starts_at, ends_at, now=NOW, **kwargs).codes


def test_a_valid_request_has_no_reason_against_it_and_a_quote(world):
    check = check_booking(world.room, world.member, TUESDAY_10, TUESDAY_12, attendees=8, now=NOW)
    assert check.ok and check.reasons == []
    assert check.quote.price_cents == 2000  # two hours at 10 €
    assert not check.approved_at_once  # the room's requests wait for a manager


def test_period_rules(world):
    room, member = world.room, world.member
    assert codes(room, member, TUESDAY_12, TUESDAY_10) == [Code.INVALID_PERIOD]
    assert codes(room, member, NOW - timedelta(hours=1), NOW + timedelta(hours=1)) == [Code.PAST, Code.OUTSIDE_HOURS]
    # 60 minutes of notice: 9:00 today is 1 hour ahead of 8:00, 8:30 is not (and before opening).
    assert codes(room, member, paris(2027, 3, 1, 9), paris(2027, 3, 1, 10)) == []
    assert Code.NOTICE in codes(room, member, paris(2027, 3, 1, 8, 30), paris(2027, 3, 1, 10))
    # 180 days of horizon.
    assert codes(room, member, paris(2027, 8, 27, 10), paris(2027, 8, 27, 12)) == []
    assert codes(room, member, paris(2027, 8, 30, 10), paris(2027, 8, 30, 12)) == [Code.HORIZON]
    # One hour at least, eight at most, on the half hour.
    assert codes(room, member, TUESDAY_10, paris(2027, 3, 2, 10, 30)) == [Code.TOO_SHORT]
    world.room.max_duration_minutes = 3 * 60
    assert codes(room, member, paris(2027, 3, 2, 9), paris(2027, 3, 2, 13)) == [Code.TOO_LONG]
    assert codes(room, member, paris(2027, 3, 2, 10, 15), paris(2027, 3, 2, 11, 45)) == [Code.GRANULARITY]


def test_opening_hours_of_the_venue_or_of_the_resource(world):
    room, member = world.room, world.member
    assert codes(room, member, paris(2027, 3, 2, 17), paris(2027, 3, 2, 19)) == [Code.OUTSIDE_HOURS]
    assert codes(room, member, paris(2027, 3, 6, 10), paris(2027, 3, 6, 12)) == [Code.OUTSIDE_HOURS]  # Saturday
    # The room's own hours replace the venue's: Saturday morning only, two intervals that touch.
    room.opening_hours.append(OpeningHours(venue_id=room.venue_id, weekday=5, opens=time(9), closes=time(11)))
    room.opening_hours.append(OpeningHours(venue_id=room.venue_id, weekday=5, opens=time(11), closes=time(13)))
    db.session.flush()
    assert codes(room, member, paris(2027, 3, 6, 10), paris(2027, 3, 6, 12)) == []
    assert codes(room, member, paris(2027, 3, 2, 10), paris(2027, 3, 2, 12)) == [Code.OUTSIDE_HOURS]


def test_a_venue_closure_refuses_and_says_why(world, app):
    db.session.add(
        Closure(
            venue=world.venue,
            starts_at=paris(2027, 3, 2),
            ends_at=paris(2027, 3, 3),
            reason="Inventaire",
            status=ClosureStatus.CONFIRMED,
        )
    )
    db.session.flush()
    check = check_booking(world.room, world.member, TUESDAY_10, TUESDAY_12, now=NOW)
    assert check.codes == [Code.CLOSURE]
    with app.test_request_context():
        assert "Inventaire" in str(check.reasons[0].message)
        assert "02/03/2027" in str(check.reasons[0].message)


def test_a_consortium_closure_applies_once_the_venue_confirms_it(world):
    proposal = ConsortiumClosure(starts_at=paris(2027, 3, 2), ends_at=paris(2027, 3, 3), reason="Journée FNT")
    closure = Closure(
        venue=world.venue,
        starts_at=proposal.starts_at,
        ends_at=proposal.ends_at,
        reason=proposal.reason,
        status=ClosureStatus.PROPOSED,
    )
    proposal.closures.append(closure)
    db.session.add(proposal)
    db.session.flush()
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12) == []
    closure.status = ClosureStatus.DECLINED
    db.session.flush()
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12) == []
    closure.status = ClosureStatus.CONFIRMED
    db.session.flush()
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12) == [Code.CLOSURE]


def test_a_kit_is_taken_and_brought_back_in_opening_hours_and_may_stay_out_over_closed_days(world):
    kit, member = world.kit, world.member
    friday_17, monday_10 = paris(2027, 3, 5, 17), paris(2027, 3, 8, 10)
    assert codes(kit, member, friday_17, monday_10) == []
    assert codes(kit, member, friday_17, paris(2027, 3, 6, 10)) == [Code.OUTSIDE_HOURS]  # back on Saturday
    assert codes(kit, member, paris(2027, 3, 5, 18), monday_10) == [Code.OUTSIDE_HOURS]  # taken at closing time
    assert codes(kit, member, friday_17, paris(2027, 3, 8, 18)) == []  # brought back at closing time
    # A closure over the weekend does not matter; one on Monday, when the kit comes back, does.
    db.session.add(
        Closure(
            venue=world.venue,
            starts_at=paris(2027, 3, 6),
            ends_at=paris(2027, 3, 8),
            reason="Week-end",
            status=ClosureStatus.CONFIRMED,
        )
    )
    db.session.flush()
    assert codes(kit, member, friday_17, monday_10) == []
    db.session.add(
        Closure(
            venue=world.venue,
            starts_at=paris(2027, 3, 8),
            ends_at=paris(2027, 3, 9),
            reason="Travaux",
            status=ClosureStatus.CONFIRMED,
        )
    )
    db.session.flush()
    assert codes(kit, member, friday_17, monday_10) == [Code.CLOSURE]


def test_who_may_book(world):
    laser_open_to_partners, room_for_consortium, kit_for_all = world.laser, world.room, world.kit
    assert codes(room_for_consortium, world.partner, TUESDAY_10, TUESDAY_12) == [Code.AUDIENCE]
    assert Code.AUDIENCE not in codes(laser_open_to_partners, world.partner, TUESDAY_10, TUESDAY_12)
    assert codes(laser_open_to_partners, world.outsider, TUESDAY_10, TUESDAY_12) == [
        Code.AUDIENCE,
        Code.QUALIFICATION_REQUIRED,
    ]
    assert codes(kit_for_all, world.outsider, TUESDAY_10, TUESDAY_12) == []
    # Newcomers: test spaces open to them.
    newcomer = make_user(
        "porteur@test.example", "Lila Nguyen", organisation=make_organisation("Projet L", Audience.NEWCOMER)
    )
    test_space = make_resource(world.venue, "espace-test", "Espace test", is_test_space=True, open_to=Audience.NEWCOMER)
    assert codes(test_space, newcomer, TUESDAY_10, TUESDAY_12) == []
    assert codes(room_for_consortium, newcomer, TUESDAY_10, TUESDAY_12) == [Code.AUDIENCE]
    # Inactive account, retired resource, venue closed down.
    world.member.active = False
    assert codes(room_for_consortium, world.member, TUESDAY_10, TUESDAY_12) == [Code.ACCOUNT_INACTIVE]
    world.member.active = True
    world.room.is_active = False
    assert codes(room_for_consortium, world.member, TUESDAY_10, TUESDAY_12) == [Code.RESOURCE_INACTIVE]


def test_quantity_and_capacity(world):
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12, attendees=12) == []
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12, attendees=13) == [Code.CAPACITY]
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12, attendees=0) == [Code.ATTENDEES]
    assert codes(world.room, world.member, TUESDAY_10, TUESDAY_12, quantity=2) == [Code.QUANTITY]
    assert codes(world.kit, world.member, TUESDAY_10, TUESDAY_12, quantity=3) == []
    assert codes(world.kit, world.member, TUESDAY_10, TUESDAY_12, quantity=4) == [Code.QUANTITY]
    assert codes(world.kit, world.member, TUESDAY_10, TUESDAY_12, quantity=0) == [Code.QUANTITY]


def _qualify(user, machine, **fields):
    qualification = Qualification(
        user=user, resource=machine, machine_type=machine.machine_type, granted_at=NOW - timedelta(days=30), **fields
    )
    db.session.add(qualification)
    db.session.flush()
    return qualification


def test_a_machine_that_needs_a_training_needs_a_valid_qualification(world):
    laser, member = world.laser, world.member
    assert codes(laser, member, TUESDAY_10, TUESDAY_12) == [Code.QUALIFICATION_REQUIRED]
    qualification = _qualify(member, laser, expires_at=paris(2027, 3, 2, 11))
    assert codes(laser, member, TUESDAY_10, TUESDAY_12) == [Code.QUALIFICATION_EXPIRED]  # lapses mid-booking
    assert codes(laser, member, paris(2027, 3, 2, 9), paris(2027, 3, 2, 11)) == []
    qualification.expires_at = None
    qualification.revoked_at = NOW - timedelta(days=1)
    assert codes(laser, member, TUESDAY_10, TUESDAY_12) == [Code.QUALIFICATION_REQUIRED]
    qualification.revoked_at = None
    assert codes(laser, member, TUESDAY_10, TUESDAY_12) == []
    # A machine without a training requirement needs nothing.
    laser.requires_training = False
    assert codes(laser, world.other_member, TUESDAY_10, TUESDAY_12) == []


def _other_laser(world):
    """A laser cutter at the other venue, which needs a training as the first one does."""
    return make_resource(
        world.other_venue,
        "laser-b",
        "Laser de la Briqueterie",
        kind=ResourceKind.MACHINE,
        machine_type="decoupe-laser",
        requires_training=True,
    )


def test_a_qualification_is_recognised_across_the_consortium_when_the_manager_says_so(world):
    other_laser = _other_laser(world)
    other_printer = make_resource(
        world.other_venue,
        "imprimante",
        "Imprimante 3D",
        kind=ResourceKind.MACHINE,
        machine_type="impression-3d",
        requires_training=True,
    )
    qualification = _qualify(world.member, world.laser)
    assert codes(other_laser, world.member, TUESDAY_10, TUESDAY_12) == [Code.QUALIFICATION_REQUIRED]
    qualification.recognised_consortium_wide = True
    db.session.flush()
    assert codes(other_laser, world.member, TUESDAY_10, TUESDAY_12) == []
    assert codes(other_printer, world.member, TUESDAY_10, TUESDAY_12) == [Code.QUALIFICATION_REQUIRED]


def _holding(resource, user, starts_at, ends_at, quantity=1, status=BookingStatus.APPROVED):
    booking = Booking(
        resource=resource,
        requester=user,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=ends_at + timedelta(minutes=resource.buffer_minutes),
        exclusive=resource.is_exclusive,
        quantity=quantity,
        status=status,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def test_an_approved_booking_holds_its_slot_and_its_buffer_a_pending_one_does_not(world):
    laser, partner = world.laser, world.partner
    _qualify(partner, laser)
    pending = _holding(laser, world.member, TUESDAY_10, TUESDAY_12, status=BookingStatus.REQUESTED)
    assert codes(laser, partner, TUESDAY_10, TUESDAY_12) == []
    pending.status = BookingStatus.APPROVED
    db.session.flush()
    assert codes(laser, partner, TUESDAY_10, TUESDAY_12) == [Code.ALREADY_BOOKED]
    # The laser keeps 30 minutes of buffer after each booking, before the next one starts.
    assert codes(laser, partner, TUESDAY_12, paris(2027, 3, 2, 13)) == [Code.ALREADY_BOOKED]
    assert codes(laser, partner, paris(2027, 3, 2, 12, 30), paris(2027, 3, 2, 13)) == []
    # ... and a new booking's own buffer must end before the next one starts.
    assert codes(laser, partner, paris(2027, 3, 2, 9), paris(2027, 3, 2, 10)) == [Code.ALREADY_BOOKED]
    assert codes(laser, partner, paris(2027, 3, 2, 9), paris(2027, 3, 2, 9, 30)) == []
    pending.status = BookingStatus.CANCELLED
    db.session.flush()
    assert codes(laser, partner, TUESDAY_10, TUESDAY_12) == []


def test_kit_units_are_counted_at_the_busiest_instant(world):
    kit, member = world.kit, world.member
    _holding(kit, world.partner, paris(2027, 3, 2, 9), paris(2027, 3, 2, 11), quantity=2)
    _holding(kit, world.partner, paris(2027, 3, 2, 14), paris(2027, 3, 2, 16), quantity=2)
    # Four units overlap the day in total, but never more than two at once: one is free all day.
    assert codes(kit, member, paris(2027, 3, 2, 9), paris(2027, 3, 2, 17), quantity=1) == []
    assert codes(kit, member, paris(2027, 3, 2, 9), paris(2027, 3, 2, 17), quantity=2) == [Code.NOT_ENOUGH_UNITS]
    assert codes(kit, member, paris(2027, 3, 2, 11), paris(2027, 3, 2, 14), quantity=3) == []


def test_every_reason_can_be_read_in_french(world, app):
    check = check_booking(
        world.laser,
        world.outsider,
        paris(2027, 3, 6, 10, 15),
        paris(2027, 3, 6, 10, 30),
        attendees=0,
        quantity=2,
        now=NOW,
    )
    assert len(check.reasons) >= 6
    with app.test_request_context():
        messages = [str(reason.message) for reason in check.reasons]
    assert all(message and "%(" not in message for message in messages)
    assert any("habilitation" in message for message in messages)
    assert any("30 min" in message for message in messages)


def test_a_refused_request_writes_nothing(world):
    with pytest.raises(Refusal) as refused:
        request_booking(world.room, world.partner, TUESDAY_10, TUESDAY_12, now=NOW)
    assert refused.value.codes == [Code.AUDIENCE]
    assert db.session.query(Booking).count() == 0
    venue = make_venue("lieu-ferme", "Lieu fermé", days=[])
    closed_room = make_resource(venue, "salle-b", "Salle B")
    with pytest.raises(Refusal) as refused:
        request_booking(closed_room, world.member, TUESDAY_10, TUESDAY_12, now=NOW)
    assert refused.value.codes == [Code.OUTSIDE_HOURS]


def test_a_buffer_conflict_says_it_is_too_close_and_why_not_already_booked(world, app):
    laser, partner = world.laser, world.partner
    _qualify(partner, laser)
    _holding(laser, world.member, TUESDAY_10, TUESDAY_12)

    def message(starts_at, ends_at):
        check = check_booking(laser, partner, starts_at, ends_at, now=NOW)
        assert check.codes == [Code.ALREADY_BOOKED]
        with app.test_request_context():
            return str(check.reasons[0].message)

    # Overlapping the booking itself: taken.
    assert message(TUESDAY_10, TUESDAY_12) == "Ce créneau est déjà réservé."
    assert message(paris(2027, 3, 2, 11), paris(2027, 3, 2, 13)) == "Ce créneau est déjà réservé."
    # Free, but within the laser's 30 minutes of preparation after it, or before it.
    too_close = "Trop proche d'une autre réservation : il faut 30 min de préparation entre deux réservations."
    assert message(TUESDAY_12, paris(2027, 3, 2, 13)) == too_close
    assert message(paris(2027, 3, 2, 9), paris(2027, 3, 2, 10)) == too_close


def test_dates_in_reasons_have_no_seconds(world, app):
    import re

    now = NOW + timedelta(seconds=3 * 60 + 17)  # a request made at 8:03:17
    laser, member = world.laser, world.member
    _qualify(member, laser, expires_at=paris(2027, 3, 2, 11) + timedelta(seconds=42))
    lapsing = check_booking(laser, member, TUESDAY_10, TUESDAY_12, now=now)
    too_far = check_booking(world.room, member, now + timedelta(days=400), now + timedelta(days=400, hours=2), now=now)
    assert Code.QUALIFICATION_EXPIRED in lapsing.codes and Code.HORIZON in too_far.codes
    for locale in ("fr", "en"):
        with app.test_request_context(), force_locale(locale):
            messages = [str(reason.message) for reason in lapsing.reasons + too_far.reasons]
        assert not [m for m in messages if re.search(r"\d{1,2}:\d{2}:\d{2}", m)], messages


def test_the_checks_of_a_search_s_results_say_what_each_one_says_alone(world):
    """The results of a search are checked with what the search read (calendars, holds, and the
    person's qualifications read once for all its machines): the same reasons and prices as one by one."""
    other_laser = _other_laser(world)
    _qualify(world.member, world.laser, expires_at=paris(2027, 3, 2, 11), recognised_consortium_wide=True)
    _holding(world.kit, world.other_member, TUESDAY_10, TUESDAY_12, quantity=2)
    free, reads = free_resources_and_reads(None, TUESDAY_10, TUESDAY_12)
    assert reads is not None and {world.laser, other_laser, world.kit} <= {found.resource for found in free}
    asked = [(found.resource, 1) for found in free]
    together = check_bookings(asked, world.member, TUESDAY_10, TUESDAY_12, reads=reads)
    alone = [check_booking(resource, world.member, TUESDAY_10, TUESDAY_12) for resource, _ in asked]
    assert [check.codes for check in together] == [check.codes for check in alone]
    assert [check.quote for check in together] == [check.quote for check in alone]
    assert Code.QUALIFICATION_EXPIRED in together[asked.index((other_laser, 1))].codes  # recognised, lapsing
