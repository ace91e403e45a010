"""Monthly "first Thursday" events: dateutil.rrule through the engine's series, across the clock changes."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from app.bookings import service
from app.bookings.series import Frequency, Repetition, month_position_of, occurrences
from app.core.clock import paris_to_utc, paris_today, to_paris
from app.events import rules
from app.models import BookingKind, BookingStatus
from tests.events.conftest import draft


def _first_thursday_after(day: date) -> date:
    month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)  # the first of next month
    return month + timedelta(days=(3 - month.weekday()) % 7)


def test_a_first_thursday_series_keeps_19_00_in_paris_across_both_clock_changes(world):
    first = _first_thursday_after(paris_today())
    start = paris_to_utc(first, time(19))
    events = rules.create_event(
        draft(world, start, start + timedelta(hours=2)),
        world.manager,
        repetition=Repetition(Frequency.MONTHLY, count=13),
    )
    assert len(events) == 13
    local = [to_paris(e.starts_at) for e in events]
    assert all(moment.weekday() == 3 and moment.day <= 7 for moment in local)  # every first Thursday
    assert all((moment.hour, moment.minute) == (19, 0) for moment in local)
    assert all((to_paris(e.ends_at).hour, to_paris(e.ends_at).minute) == (21, 0) for e in events)
    # A year of them spans both changes: UTC 18:00 in winter, 17:00 in summer.
    assert {e.starts_at.hour for e in events} == {17, 18}
    assert len({(m.year, m.month) for m in local}) == 13
    series = events[0].booking.series
    assert series.frequency == "monthly" and series.month_position == 1
    assert all(e.series_id == series.id and e.booking.kind == BookingKind.EVENT for e in events)
    assert all(e.booking.status == BookingStatus.APPROVED for e in events)


def test_a_series_colliding_once_is_refused_whole_with_the_date(world):
    first = _first_thursday_after(paris_today())
    start = paris_to_utc(first, time(19))
    second = occurrences(start, start + timedelta(hours=2), Repetition(Frequency.MONTHLY, count=3))[1]
    service.approve(service.request_booking(world.hall, world.member, *second), world.manager)
    with pytest.raises(service.Refusal) as refused:
        rules.create_event(
            draft(world, start, start + timedelta(hours=2)),
            world.manager,
            repetition=Repetition(Frequency.MONTHLY, count=3),
        )
    assert service.Code.ALREADY_BOOKED in refused.value.codes


def test_last_weekday_and_positions():
    assert month_position_of(date(2027, 3, 4)) == 1 and month_position_of(date(2027, 3, 25)) == 4
    start = paris_to_utc(date(2027, 1, 28), time(18))  # the last Thursday of January
    days = [
        to_paris(s).date()
        for s, _ in occurrences(
            start, start + timedelta(hours=1), Repetition(Frequency.MONTHLY, count=3, month_position=-1)
        )
    ]
    assert days == [date(2027, 1, 28), date(2027, 2, 25), date(2027, 3, 25)]
