"""The calendar module: which cells of a resource's week are free, busy, closed or past, in Europe/Paris,
who sees what of a booking, kits' free units, and the two daylight-saving weeks of 2027."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event

from app.bookings.hours import closures_over, hours_for, within_hours
from app.catalogue import calendar
from app.catalogue.calendar import CellState, Viewer
from app.extensions import db
from app.models import Booking, BookingStatus, Closure, ClosureStatus, OpeningHours, ResourceKind
from tests.factories import make_resource, make_user, make_venue
from tests.factories.bookings import NOW, paris

MONDAY = date(2027, 3, 8)


def book(resource, user, starts_at, ends_at, status=BookingStatus.APPROVED, quantity=1, purpose="Atelier"):
    booking = Booking(
        resource=resource,
        requester=user,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=ends_at + timedelta(minutes=resource.buffer_minutes),
        exclusive=resource.is_exclusive,
        quantity=quantity,
        purpose=purpose,
        status=status,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


@pytest.fixture()
def room(app):
    venue = make_venue()  # Monday to Friday, 9:00-18:00
    return make_resource(venue, slot_minutes=30, min_duration_minutes=60, notice_minutes=60, horizon_days=60)


def week(resource, viewer=None, monday=MONDAY, now=NOW):
    viewer = viewer or Viewer()
    times, columns = calendar.load_calendar(resource, calendar.week_days(monday), now, viewer)
    return times, {column.day: {cell.at: cell for cell in column.cells} for column in columns}


def test_the_week_has_a_row_per_hour_of_opening_and_closed_days(room):
    times, days = week(room)

    assert times == [time(h) for h in range(9, 18)]
    assert [day.weekday() for day in days] == list(range(7))
    tuesday = days[date(2027, 3, 9)]
    assert all(cell.state == CellState.FREE for cell in tuesday.values())
    assert tuesday[time(10)].starts_at == paris(2027, 3, 9, 10)
    assert tuesday[time(10)].book_until == paris(2027, 3, 9, 11)
    assert all(cell.state == CellState.CLOSED for cell in days[date(2027, 3, 13)].values())  # Saturday
    assert all(cell.state == CellState.CLOSED for cell in days[date(2027, 3, 14)].values())  # Sunday


def test_past_cells_and_cells_within_the_notice_or_beyond_the_horizon_are_not_bookable(room):
    _, days = week(room, monday=date(2027, 3, 1), now=paris(2027, 3, 1, 10, 30))
    monday = days[date(2027, 3, 1)]
    assert monday[time(9)].state == CellState.PAST
    assert monday[time(10)].state == CellState.PAST
    assert monday[time(11)].state == CellState.OUT_OF_RANGE  # within the hour of notice
    assert monday[time(12)].state == CellState.FREE
    _, far = week(room, monday=date(2027, 5, 3), now=paris(2027, 3, 1, 10, 30))
    assert far[date(2027, 5, 3)][time(10)].state == CellState.OUT_OF_RANGE  # beyond 60 days


def test_approved_bookings_block_with_their_buffer_and_pending_requests_do_not(room):
    room.buffer_minutes = 30
    someone = make_user("autre@test.example", "Dominique Petit")
    book(room, someone, paris(2027, 3, 9, 10), paris(2027, 3, 9, 12))
    book(room, someone, paris(2027, 3, 9, 15), paris(2027, 3, 9, 16), status=BookingStatus.REQUESTED)
    book(room, someone, paris(2027, 3, 9, 16), paris(2027, 3, 9, 17), status=BookingStatus.CANCELLED)

    _, days = week(room)
    tuesday = days[date(2027, 3, 9)]
    # 9:00-10:00 plus its half-hour buffer would run into the booking at 10:00: a buffer (issue 22).
    assert tuesday[time(9)].state == CellState.BUFFER
    assert tuesday[time(10)].state == CellState.BUSY
    assert tuesday[time(11)].state == CellState.BUSY
    assert tuesday[time(12)].state == CellState.BUFFER  # the booking's buffer until 12:30
    assert tuesday[time(13)].state == CellState.FREE
    assert tuesday[time(15)].state == CellState.FREE and tuesday[time(15)].pending
    assert tuesday[time(16)].state == CellState.FREE and not tuesday[time(16)].occupants


def test_who_sees_names_and_purposes(room):
    member = make_user("membre@test.example", "Camille Martin")
    other = make_user("autre@test.example", "Dominique Petit")
    book(room, member, paris(2027, 3, 9, 10), paris(2027, 3, 9, 11), purpose="Réunion du bureau")
    book(room, other, paris(2027, 3, 9, 14), paris(2027, 3, 9, 15), purpose="Assemblée secrète")
    book(room, member, paris(2027, 3, 9, 16), paris(2027, 3, 9, 17), status=BookingStatus.REQUESTED)

    def seen(viewer):
        _, days = week(room, viewer)
        tuesday = days[date(2027, 3, 9)]
        return {
            at.hour: (tuesday[at].state, [(o.name, o.purpose) for o in tuesday[at].occupants])
            for at in (time(10), time(14), time(16))
        }

    assert seen(Viewer()) == {
        10: (CellState.BUSY, [("", "")]),
        14: (CellState.BUSY, [("", "")]),
        16: (CellState.FREE, [("", "")]),
    }
    assert seen(Viewer(member.id)) == {
        10: (CellState.MINE, [("Camille Martin", "Réunion du bureau")]),
        14: (CellState.BUSY, [("", "")]),
        16: (CellState.MINE, [("Camille Martin", "Atelier")]),
    }
    staff = seen(Viewer(make_user("gestion@test.example", "Noa Bernard").id, staff=True))
    assert staff[14] == (CellState.BUSY, [("Dominique Petit", "Assemblée secrète")])


def test_a_kit_shows_its_free_units(app):
    venue = make_venue()
    kit = make_resource(
        venue,
        "kit",
        "Kit vidéo",
        kind=ResourceKind.KIT,
        units=3,
        slot_minutes=60,
        min_duration_minutes=60,
        notice_minutes=0,
    )
    user = make_user()
    book(kit, user, paris(2027, 3, 9, 9), paris(2027, 3, 9, 12), quantity=2)
    book(kit, user, paris(2027, 3, 9, 11), paris(2027, 3, 9, 13), quantity=1)

    _, days = week(kit)
    tuesday = days[date(2027, 3, 9)]
    assert (tuesday[time(9)].state, tuesday[time(9)].free_units) == (CellState.FREE, 1)
    assert (tuesday[time(11)].state, tuesday[time(11)].free_units) == (CellState.BUSY, 0)
    assert (tuesday[time(12)].state, tuesday[time(12)].free_units) == (CellState.FREE, 2)
    assert (tuesday[time(13)].state, tuesday[time(13)].free_units) == (CellState.FREE, 3)


def test_confirmed_closures_close_cells_and_proposed_ones_do_not(room):
    db.session.add(
        Closure(
            venue_id=room.venue_id,
            starts_at=paris(2027, 3, 10),
            ends_at=paris(2027, 3, 11),
            reason="Inventaire",
            status=ClosureStatus.CONFIRMED,
        )
    )
    db.session.add(
        Closure(
            venue_id=room.venue_id,
            starts_at=paris(2027, 3, 11),
            ends_at=paris(2027, 3, 12),
            reason="Proposée",
            status=ClosureStatus.PROPOSED,
        )
    )
    db.session.flush()
    _, days = week(room)
    assert all(cell.state == CellState.CLOSED for cell in days[date(2027, 3, 10)].values())
    assert all(cell.state == CellState.FREE for cell in days[date(2027, 3, 11)].values())


def test_rows_follow_half_hour_opening_times(app):
    venue = make_venue(hours=((9, 30), (12, 30)))
    desk = make_resource(venue, slot_minutes=30, min_duration_minutes=30)
    times, days = week(desk)
    assert times == [time(9, 30), time(10), time(10, 30), time(11), time(11, 30), time(12)]
    assert days[date(2027, 3, 9)][time(12)].state == CellState.FREE


@pytest.fixture()
def all_day_room(app):
    venue = make_venue(hours=((0, 0), (23, 59)), days=range(7))
    return make_resource(venue, slot_minutes=60, min_duration_minutes=60, notice_minutes=0, horizon_days=400)


def test_the_week_of_the_spring_change_2027_03_28(all_day_room):
    user = make_user()
    book(all_day_room, user, paris(2027, 3, 28, 10), paris(2027, 3, 28, 11))
    times, days = week(all_day_room, monday=date(2027, 3, 22))

    assert len(times) == 24
    saturday, sunday = days[date(2027, 3, 27)], days[date(2027, 3, 28)]
    # The 2:00 hour does not exist on Sunday: the clock goes from 2:00 straight to 3:00.
    assert sunday[time(2)].state == CellState.CLOSED
    assert sunday[time(1)].ends_at - sunday[time(1)].starts_at == timedelta(hours=1)
    assert saturday[time(3)].starts_at == datetime(2027, 3, 27, 2, 0, tzinfo=UTC)  # UTC+1
    assert sunday[time(3)].starts_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # UTC+2
    # A booking 10:00-11:00 Paris (8:00 UTC in summer time) is in the 10 h row, not in its neighbours.
    assert [at.hour for at, cell in sunday.items() if cell.state == CellState.BUSY] == [10]
    assert saturday[time(10)].state == CellState.FREE


def test_the_week_of_the_autumn_change_2027_10_31(all_day_room):
    user = make_user()
    book(all_day_room, user, paris(2027, 10, 31, 10), paris(2027, 10, 31, 11))
    book(all_day_room, user, paris(2027, 10, 30, 10), paris(2027, 10, 30, 11))
    _, days = week(all_day_room, monday=date(2027, 10, 25))

    saturday, sunday = days[date(2027, 10, 30)], days[date(2027, 10, 31)]
    # The 2:00 row covers both 2:00-3:00 of the night (summer time, then winter time): two real hours.
    assert sunday[time(2)].ends_at - sunday[time(2)].starts_at == timedelta(hours=2)
    assert sunday[time(2)].state == CellState.FREE
    assert sunday[time(10)].starts_at == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)  # UTC+1
    assert saturday[time(10)].starts_at == datetime(2027, 10, 30, 8, 0, tzinfo=UTC)  # UTC+2
    assert [at.hour for at, cell in sunday.items() if cell.state == CellState.BUSY] == [10]
    assert [at.hour for at, cell in saturday.items() if cell.state == CellState.BUSY] == [10]


def test_open_cells_are_the_ones_the_engine_s_opening_hours_accept_around_the_clock_changes(app):
    # Hours at night, in the morning and up to midnight, on half-hour rows: a cell is open exactly
    # when the engine's rule accepts its period (within the hours, on no closure), on the weeks
    # around 2027's two clock changes, on public holidays (1 and 8 May, Christmas) and between.
    venue = make_venue(hours=((0, 30), (2, 30)), days=range(7))
    for weekday in range(7):
        db.session.add(OpeningHours(venue=venue, weekday=weekday, opens=time(9, 30), closes=time(12)))
        db.session.add(OpeningHours(venue=venue, weekday=weekday, opens=time(22), closes=time(23, 59)))
    room = make_resource(venue, slot_minutes=30, min_duration_minutes=30, notice_minutes=0, horizon_days=800)
    firsts = (date(2027, 3, 22), date(2027, 4, 28), date(2027, 10, 25), date(2027, 12, 20))
    days = [first + timedelta(days=n) for first in firsts for n in range(14)]
    rows = hours_for([room])[room.id]
    closed = closures_over([venue.id], paris(2027, 1, 1, 0), paris(2028, 1, 5, 0))

    _, columns = calendar.load_calendar(room, days, NOW, Viewer())

    opened = 0
    for column in columns:
        for cell in column.cells:
            expected = (
                cell.ends_at > cell.starts_at
                and within_hours(rows, cell.starts_at, cell.ends_at)
                and not any(c.starts_at < cell.ends_at and c.ends_at > cell.starts_at for c in closed)
            )
            assert (cell.state != CellState.CLOSED) == expected, (column.day, cell.at)
            opened += expected
    assert opened > len(days) * 10  # (most days: 4 + 5 + 4 half-hour rows open)


def test_a_week_reads_its_bookings_in_one_query(room):
    user = make_user()
    for day in range(8, 13):
        book(room, user, paris(2027, 3, day, 10), paris(2027, 3, day, 11))
    db.session.commit()
    db.session.refresh(room)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        week(room)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    booking_reads = [s for s in statements if "FROM bookings" in s]
    assert len(booking_reads) == 1
    assert len([s for s in statements if s.startswith("SELECT")]) == 3  # opening hours, closures, bookings


def test_periods_in_the_url():
    assert calendar.parse_week("2026-W49") == date(2026, 11, 30)
    assert calendar.iso_week(date(2026, 12, 6)) == "2026-W49"
    assert calendar.iso_week(date(2027, 1, 1)) == "2026-W53"
    assert calendar.parse_week("2026-W54") is None
    assert calendar.parse_week("semaine") is None
    assert calendar.parse_week(None) is None
    assert calendar.parse_month("2026-12") == date(2026, 12, 1)
    assert calendar.parse_month("2026-13") is None
    assert calendar.parse_month("12-2026x") is None
    assert calendar.month_text(calendar.shift_month(date(2026, 12, 1), 1)) == "2027-01"
    assert calendar.month_text(calendar.shift_month(date(2027, 1, 1), -1)) == "2026-12"
    weeks = calendar.month_weeks(date(2026, 12, 1))
    assert weeks[0][:2] == [None, date(2026, 12, 1)]  # 1 December 2026 is a Tuesday
    assert weeks[-1][3] == date(2026, 12, 31) and weeks[-1][4:] == [None, None, None]
