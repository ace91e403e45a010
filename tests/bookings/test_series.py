"""Series: occurrences, preview free or colliding and why, book the free ones or none, decide as a whole."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.bookings.errors import Code
from app.bookings.series import MAX_OCCURRENCES, Repetition, occurrences
from app.bookings.service import (
    Frequency,
    Refusal,
    approve,
    approve_series,
    cancel_series,
    preview_series,
    preview_series_approval,
    reject_series,
    request_booking,
    request_series,
)
from app.extensions import db
from app.models import Booking, BookingStatus, Closure, ClosureStatus, Series
from tests.factories.bookings import NOW, paris

TUE_10, TUE_12 = paris(2027, 3, 2, 10), paris(2027, 3, 2, 12)


def test_weekly_and_daily_occurrences():
    weekly = occurrences(TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=3))
    assert weekly == [(paris(2027, 3, d, 10), paris(2027, 3, d, 12)) for d in (2, 9, 16)]
    every_other_day = occurrences(TUE_10, TUE_12, Repetition(Frequency.DAILY, interval=2, until=date(2027, 3, 8)))
    assert [start for start, _ in every_other_day] == [paris(2027, 3, d, 10) for d in (2, 4, 6, 8)]
    assert occurrences(TUE_10, TUE_12, Repetition(Frequency.WEEKLY, until=date(2027, 3, 2))) == [(TUE_10, TUE_12)]


def test_a_series_needs_an_end_and_stays_reasonable():
    for kwargs in (
        {},
        {"count": 3, "until": date(2027, 4, 1)},
        {"until": date(2027, 3, 1)},
        {"count": MAX_OCCURRENCES + 1},
        {"count": 2, "interval": 0},
    ):
        with pytest.raises(Refusal) as refused:
            occurrences(TUE_10, TUE_12, Repetition(Frequency.WEEKLY, **kwargs))
        assert refused.value.codes == [Code.SERIES]
    assert len(occurrences(TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=MAX_OCCURRENCES))) == MAX_OCCURRENCES


def _block_second_tuesday(world):
    taken = request_booking(world.room, world.other_member, paris(2027, 3, 9, 11), paris(2027, 3, 9, 13), now=NOW)
    approve(taken, world.manager, now=NOW)
    db.session.add(
        Closure(
            venue=world.venue,
            starts_at=paris(2027, 3, 16),
            ends_at=paris(2027, 3, 17),
            reason="Assemblée générale",
            status=ClosureStatus.CONFIRMED,
        )
    )
    db.session.flush()


def test_the_preview_shows_each_occurrence_free_or_colliding_and_why(world, app):
    _block_second_tuesday(world)
    preview = preview_series(world.room, world.member, TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=4), now=NOW)
    assert [o.free for o in preview.occurrences] == [True, False, False, True]
    assert [[r.code for r in o.reasons] for o in preview.colliding] == [[Code.ALREADY_BOOKED], [Code.CLOSURE]]
    assert preview.price_cents == 2 * 2000
    with app.test_request_context():
        assert "Assemblée générale" in str(preview.colliding[1].reasons[0].message)
    assert db.session.query(Booking).count() == 1  # the preview wrote nothing


def test_book_the_free_occurrences(world, signals_sent):
    _block_second_tuesday(world)
    series, bookings = request_series(
        world.room, world.member, TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=4), purpose="Atelier", now=NOW
    )
    assert [b.starts_at for b in bookings] == [TUE_10, paris(2027, 3, 23, 10)]
    assert all(b.series_id == series.id and b.purpose == "Atelier" for b in bookings)
    assert (series.frequency, series.count, series.requester_id) == ("weekly", 4, world.member.id)
    assert [name for name, _, _ in signals_sent][-2:] == ["booking_requested", "booking_requested"]


def test_or_book_none_when_one_collides(world):
    _block_second_tuesday(world)
    with pytest.raises(Refusal) as refused:
        request_series(
            world.room, world.member, TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=4), only_free=False, now=NOW
        )
    assert refused.value.codes == [Code.ALREADY_BOOKED, Code.CLOSURE]
    assert db.session.query(Series).count() == 0 and db.session.query(Booking).count() == 1


def test_nothing_free_nothing_booked(world):
    with pytest.raises(Refusal) as refused:
        request_series(
            world.room,
            world.member,
            paris(2027, 3, 6, 10),
            paris(2027, 3, 6, 12),
            Repetition(Frequency.WEEKLY, count=3),
            now=NOW,
        )  # Saturdays: closed
    assert refused.value.codes == [Code.OUTSIDE_HOURS] * 3


def test_approve_a_series_as_a_whole(world, signals_sent):
    series, bookings = request_series(
        world.room, world.member, TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=3), now=NOW
    )
    rival = request_booking(world.room, world.other_member, paris(2027, 3, 9, 11), paris(2027, 3, 9, 13), now=NOW)
    assert preview_series_approval(series) == [rival]
    with pytest.raises(Refusal) as refused:
        approve_series(series, world.member, now=NOW)
    assert refused.value.codes == [Code.NOT_ALLOWED]
    assert approve_series(series, world.manager, "OK", now=NOW) == [rival]
    assert [b.status for b in bookings] == [BookingStatus.APPROVED] * 3
    assert rival.status == BookingStatus.REJECTED
    assert [name for name, _, _ in signals_sent].count("booking_approved") == 3


def test_a_series_is_approved_whole_or_not_at_all(world):
    series, bookings = request_series(
        world.room, world.member, TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=3), now=NOW
    )
    db.session.add(
        Booking(
            resource=world.room,
            requester=world.other_member,
            starts_at=paris(2027, 3, 16, 9),
            ends_at=paris(2027, 3, 16, 11),
            holds_until=paris(2027, 3, 16, 11),
            exclusive=True,
            status=BookingStatus.APPROVED,
        )
    )
    db.session.flush()
    with pytest.raises(Refusal) as refused:
        approve_series(series, world.manager, now=NOW)
    assert refused.value.codes == [Code.ALREADY_BOOKED]
    assert [b.status for b in bookings] == [BookingStatus.REQUESTED] * 3
    # Occurrence by occurrence instead.
    approve(bookings[0], world.manager, now=NOW)
    assert bookings[0].status == BookingStatus.APPROVED


def test_reject_and_cancel_a_series(world):
    series, bookings = request_series(
        world.room, world.member, TUE_10, TUE_12, Repetition(Frequency.WEEKLY, count=3), now=NOW
    )
    approve(bookings[0], world.manager, now=NOW)
    assert reject_series(series, world.manager, "Salle en travaux", now=NOW) == bookings[1:]
    assert [b.status for b in bookings] == [BookingStatus.APPROVED, BookingStatus.REJECTED, BookingStatus.REJECTED]

    other, occurrences_ = request_series(
        world.room,
        world.member,
        paris(2027, 3, 3, 10),
        paris(2027, 3, 3, 12),
        Repetition(Frequency.WEEKLY, count=3),
        now=NOW,
    )
    approve_series(other, world.manager, now=NOW)
    after_first = paris(2027, 3, 3, 13)
    cancelled = cancel_series(other, world.member, now=after_first)
    assert cancelled == occurrences_[1:]  # the past occurrence stays as it was
    assert occurrences_[0].status == BookingStatus.APPROVED
    with pytest.raises(Refusal) as refused:
        cancel_series(other, world.member, now=after_first + timedelta(days=30))
    assert refused.value.codes == [Code.SERIES]
