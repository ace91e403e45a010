"""Quotas of hours per member or organisation and per week or month (app.bookings.quotas), on
both databases: refused with what is left, calendar periods in Paris time, and held under
concurrency (requests that each fit but together exceed the quota: one wins)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from app.bookings.errors import Code
from app.bookings.lifecycle import cancel, edit_booking, request_booking
from app.bookings.quotas import windows
from app.bookings.rules import check_booking
from app.extensions import db
from app.models import QUOTA_COLUMNS, Booking, QuotaPeriod, QuotaScope, Resource, User
from tests.bookings.test_concurrency import _race
from tests.factories import make_user
from tests.factories.bookings import NOW, build_world, paris


def _quota(resource, scope, period, hours):
    setattr(resource, QUOTA_COLUMNS[(scope, period)], hours)
    db.session.flush()


def test_a_member_over_the_weekly_quota_is_told_what_is_left(world):
    _quota(world.room, QuotaScope.MEMBER, QuotaPeriod.WEEK, 3)
    first = request_booking(world.room, world.member, paris(2027, 3, 2, 10), paris(2027, 3, 2, 12), now=NOW)

    refused = check_booking(world.room, world.member, paris(2027, 3, 4, 10), paris(2027, 3, 4, 12), now=NOW)
    assert refused.codes == [Code.QUOTA]
    message = str(refused.reasons[0].message)
    assert "au plus 3 h par membre et par semaine" in message
    assert "Pour la semaine du 1er mars 2027, il vous reste 1 h ; cette réservation en demande 2 h." in message
    # One hour still fits that week; the next week starts afresh (Monday 00:00, Paris); others are not counted.
    assert check_booking(world.room, world.member, paris(2027, 3, 4, 10), paris(2027, 3, 4, 11), now=NOW).ok
    assert check_booking(world.room, world.member, paris(2027, 3, 8, 10), paris(2027, 3, 8, 12), now=NOW).ok
    assert check_booking(world.room, world.other_member, paris(2027, 3, 4, 10), paris(2027, 3, 4, 13), now=NOW).ok
    # An edit does not count the booking against itself; a cancelled booking gives its hours back.
    edit_booking(first, world.member, ends_at=paris(2027, 3, 2, 13), now=NOW)
    cancel(first, world.member, now=NOW)
    assert check_booking(world.room, world.member, paris(2027, 3, 4, 10), paris(2027, 3, 4, 13), now=NOW).ok


def test_an_organisation_quota_counts_every_member_of_it_per_month(world):
    _quota(world.room, QuotaScope.ORGANISATION, QuotaPeriod.MONTH, 4)
    colleague = make_user("collegue@test.example", "Léa Roux", organisation=world.member.organisation)
    request_booking(world.room, world.member, paris(2027, 3, 2, 10), paris(2027, 3, 2, 13), now=NOW)

    refused = check_booking(world.room, colleague, paris(2027, 3, 30, 10), paris(2027, 3, 30, 12), now=NOW)
    assert refused.codes == [Code.QUOTA]
    assert "Pour le mois de mars 2027, il reste 1 h à votre structure" in str(refused.reasons[0].message)
    assert check_booking(world.room, colleague, paris(2027, 4, 1, 10), paris(2027, 4, 1, 12), now=NOW).ok


def test_calendar_periods_begin_at_midnight_in_paris():
    found = windows(QuotaPeriod.MONTH, paris(2027, 3, 31, 23), paris(2027, 4, 1, 1))
    assert [(first.isoformat(), start) for first, start, _ in found] == [
        ("2027-03-01", datetime(2027, 2, 28, 23, tzinfo=UTC)),  # winter time: UTC+1
        ("2027-04-01", datetime(2027, 3, 31, 22, tzinfo=UTC)),  # summer time: UTC+2
    ]
    week = windows(QuotaPeriod.WEEK, paris(2027, 3, 28, 10), paris(2027, 3, 28, 11))  # a Sunday
    assert [first.isoformat() for first, _, _ in week] == ["2027-03-22"]


def test_concurrent_requests_that_together_exceed_the_quota_give_one_booking(app):
    world = build_world()
    _quota(world.room, QuotaScope.MEMBER, QuotaPeriod.WEEK, 3)
    room_id, member_id = world.room.id, world.member.id
    slots = [(paris(2027, 3, day, hour), paris(2027, 3, day, hour + 2)) for day in (2, 3, 4) for hour in (9, 14)]
    db.session.commit()

    def ask(start, end):
        return request_booking(
            db.session.get(Resource, room_id), db.session.get(User, member_id), start, end, now=NOW
        ).id

    results = _race(app, ask, slots)

    assert Counter(outcome for outcome, _ in results) == {"ok": 1, "refused": len(slots) - 1}
    assert {result for outcome, result in results if outcome == "refused"} == {(Code.QUOTA,)}
    db.session.expire_all()
    assert len(db.session.scalars(select(Booking).where(Booking.resource_id == room_id)).all()) == 1
