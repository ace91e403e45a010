"""The project's one clock: the current instant, and Paris wall-clock time.

Every rule, signal receiver, view, command and reminder reads the time from here
(rules also take an explicit ``now=``, which defaults to this clock). Moments are
aware UTC datetimes; Paris is only for showing them and for wall-clock rules
(opening hours, "today", the year of a number).

Tests pin this clock with time-machine (``tests/clock.py``): ``utcnow`` reads
``datetime.now``, which time-machine moves, so the behaviour at any instant can
be tested, including the days the clocks change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """The current instant, as an aware UTC datetime."""
    return datetime.now(UTC)


def to_paris(moment: datetime) -> datetime:
    """An aware moment as Paris wall-clock time."""
    return moment.astimezone(PARIS)


def paris_today(now: datetime | None = None) -> date:
    """Today in Paris (at ``now``, or at the current instant)."""
    return to_paris(now or utcnow()).date()


def paris_to_utc(day: date, at: time) -> datetime:
    """A Paris wall-clock date and time as an aware UTC moment.

    A time that does not exist (2:30 on the last Sunday of March) is read as the
    moment it would be by the clock before the change (3:30 summer time); an
    ambiguous one (2:30 on the last Sunday of October) as its first occurrence.
    """
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC)


def paris_end_of_day(day: date) -> datetime:
    """The end of a Paris day (the next midnight), in UTC: "until the 26th" includes the 26th."""
    return paris_to_utc(day + timedelta(days=1), time(0, 0))


# Dates people may give: from 2000 to ten years ahead. Every date that comes in (forms, query
# strings) is bounded at the edge, so that no rule ever works on the year 1 or 9999.
EARLIEST_DAY = date(2000, 1, 1)
REACH_YEARS = 10


def latest_day(today: date | None = None) -> date:
    """The last day a date given to the service may fall on: today in Paris plus ten years."""
    today = today or paris_today()
    try:
        return today.replace(year=today.year + REACH_YEARS)
    except ValueError:  # 29 February, ten years later, is not a leap day
        return today.replace(year=today.year + REACH_YEARS, day=28)


def within_reach(day: date) -> bool:
    """Whether a date given to the service is one it works with (``EARLIEST_DAY`` to ``latest_day``)."""
    return EARLIEST_DAY <= day <= latest_day()
