"""Daylight-saving changes in Europe/Paris: last Sunday of March (2:00 -> 3:00) and of October (3:00 -> 2:00).

Stored in UTC, evaluated in Paris: wall-clock rules (hours, grid, series) follow
the Paris clock; durations and prices follow the time really elapsed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.bookings.errors import Code
from app.bookings.series import Repetition, occurrences
from app.bookings.service import Frequency, check_booking, request_booking
from app.core.clock import paris_to_utc
from app.extensions import db
from app.models import ApprovalPolicy, Audience, ResourceKind, Tariff, TariffAudience
from tests.factories import make_resource, make_venue
from tests.factories.bookings import paris

MARCH_CHANGE = date(2027, 3, 28)  # last Sunday of March 2027
OCTOBER_CHANGE = date(2027, 10, 31)  # last Sunday of October 2027


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture()
def every_day(world):
    """A venue open every day, all day, with a room and a kit priced by the hour (loans approved at once)."""
    venue = make_venue("toujours-ouvert", "Toujours Ouvert", hours=((0, 0), (23, 59)), days=range(7))
    room = make_resource(venue, "studio", "Studio", slot_minutes=60, notice_minutes=0)
    kit = make_resource(
        venue,
        "sono",
        "Sono",
        kind=ResourceKind.KIT,
        units=1,
        slot_minutes=60,
        notice_minutes=0,
        open_to=Audience.EXTERNAL,
        approval_policy=ApprovalPolicy.CONSORTIUM,
    )
    for resource in (room, kit):
        resource.max_duration_minutes = None  # as long as wanted
        resource.tariffs.append(Tariff(audience=TariffAudience.CONSORTIUM, hour_cents=100))
    db.session.flush()
    return room, kit


def test_paris_wall_clock_to_utc_on_both_sides_of_the_changes():
    assert paris_to_utc(date(2027, 3, 27), time(9)) == utc(2027, 3, 27, 8)
    assert paris_to_utc(MARCH_CHANGE, time(9)) == utc(2027, 3, 28, 7)
    assert paris_to_utc(MARCH_CHANGE, time(2, 30)) == utc(2027, 3, 28, 1, 30)  # does not exist: read as 3:30
    assert paris_to_utc(OCTOBER_CHANGE, time(2, 30)) == utc(2027, 10, 31, 0, 30)  # twice: the first one
    assert paris_to_utc(OCTOBER_CHANGE, time(9)) == utc(2027, 10, 31, 8)


def test_opening_hours_follow_the_paris_clock_across_the_change(world):
    """9:00-12:00 is inside 9:00-18:00 on the Friday before and the Monday after, an hour apart in UTC."""
    member, room = world.member, world.room
    now = paris(2027, 3, 20)
    assert check_booking(room, member, utc(2027, 3, 26, 8), utc(2027, 3, 26, 11), now=now).ok  # Fri, UTC+1
    assert check_booking(room, member, utc(2027, 3, 29, 7), utc(2027, 3, 29, 10), now=now).ok  # Mon, UTC+2
    too_early = check_booking(room, member, utc(2027, 3, 29, 6), utc(2027, 3, 29, 9), now=now)  # 8:00 in Paris
    assert too_early.codes == [Code.OUTSIDE_HOURS]
    now = paris(2027, 10, 20)
    assert check_booking(room, member, utc(2027, 10, 29, 7), utc(2027, 10, 29, 10), now=now).ok  # Fri, UTC+2
    assert check_booking(room, member, utc(2027, 11, 1, 8), utc(2027, 11, 1, 11), now=now).ok  # Mon, UTC+1
    assert check_booking(room, member, utc(2027, 11, 1, 7), utc(2027, 11, 1, 10), now=now).codes == [Code.OUTSIDE_HOURS]


def test_on_the_night_of_the_change_durations_are_the_time_really_elapsed(world, every_day):
    room, _ = every_day
    now = paris(2027, 3, 20)
    # 1:00 to 4:00 on the clock in March is two hours; in October it is four.
    march = request_booking(room, world.member, paris(2027, 3, 28, 1), paris(2027, 3, 28, 4), now=now)
    assert march.ends_at - march.starts_at == timedelta(hours=2) and march.price_cents == 200
    october = request_booking(
        room, world.member, paris(2027, 10, 31, 1), paris(2027, 10, 31, 4), now=paris(2027, 10, 20)
    )
    assert october.ends_at - october.starts_at == timedelta(hours=4) and october.price_cents == 400


def test_a_kit_lent_over_the_night_of_the_change(world, every_day):
    _, kit = every_day
    march = request_booking(kit, world.member, paris(2027, 3, 27, 18), paris(2027, 3, 28, 18), now=paris(2027, 3, 20))
    assert march.price_cents == 23 * 100
    october = request_booking(
        kit, world.member, paris(2027, 10, 30, 18), paris(2027, 10, 31, 18), now=paris(2027, 10, 20)
    )
    assert october.price_cents == 25 * 100
    # The kit is taken back the same Sunday at 18:00 and may leave again at once.
    assert check_booking(
        kit, world.member, paris(2027, 10, 31, 18), paris(2027, 10, 31, 20), now=paris(2027, 10, 20)
    ).ok
    assert check_booking(
        kit, world.member, paris(2027, 10, 31, 17), paris(2027, 10, 31, 20), now=paris(2027, 10, 20)
    ).codes == [Code.NOT_ENOUGH_UNITS]


def test_the_slot_grid_is_on_the_paris_clock(world, every_day):
    room, _ = every_day
    now = paris(2027, 3, 20)
    # 3:00 exists on 28 March (the clock jumps from 2:00 to 3:00): on the hourly grid.
    assert check_booking(room, world.member, paris(2027, 3, 28, 3), paris(2027, 3, 28, 5), now=now).ok
    off_grid = utc(2027, 3, 28, 1, 30)  # 3:30 in Paris
    assert check_booking(room, world.member, off_grid, off_grid + timedelta(hours=2), now=now).codes == [
        Code.GRANULARITY
    ]


def test_a_weekly_series_keeps_its_paris_time_across_both_changes():
    spring = occurrences(paris(2027, 3, 21, 18), paris(2027, 3, 21, 20), Repetition(Frequency.WEEKLY, count=2))
    assert spring == [(utc(2027, 3, 21, 17), utc(2027, 3, 21, 19)), (utc(2027, 3, 28, 16), utc(2027, 3, 28, 18))]
    autumn = occurrences(
        paris(2027, 10, 24, 18), paris(2027, 10, 24, 20), Repetition(Frequency.DAILY, interval=7, count=2)
    )
    assert autumn == [(utc(2027, 10, 24, 16), utc(2027, 10, 24, 18)), (utc(2027, 10, 31, 17), utc(2027, 10, 31, 19))]
