"""French public holidays (metropolitan France, from the ``holidays`` package) close every venue like a
closure, unless the venue chose to open that day: the engine, the search and the resource calendar agree.
Days are found from the pinned clock, never written down."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.bookings import service
from app.bookings.availability import free_resources
from app.bookings.errors import Code
from app.bookings.hours import public_holidays
from app.catalogue.calendar import CellState, Viewer, load_calendar, monday_of, week_days
from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.models import ResourceKind, VenueHolidayOpening
from tests.factories.desk import build_desk_world
from tests.helpers import moment


@pytest.fixture()
def world(app):
    return build_desk_world(open_on_holidays=False)


def next_holiday():
    """The first public holiday at least two days from now, and its French name."""
    today = paris_today()
    found = public_holidays(today + timedelta(days=2), today + timedelta(days=400))
    day = min(found)
    return day, found[day]


def test_a_public_holiday_closes_the_venue_with_its_name(world):
    day, name = next_holiday()
    with pytest.raises(service.Refusal) as refused:
        service.request_booking(world.room, world.member, moment(day, 10), moment(day, 12), now=utcnow())
    assert Code.CLOSURE in refused.value.codes
    assert f"Fermé : {name} (jour férié)." in [str(reason.message) for reason in refused.value.reasons]
    db.session.rollback()
    found = free_resources(ResourceKind.SPACE, moment(day, 10), moment(day, 12), venue_ids=[world.venue.id])
    assert found == []
    # The day before is an ordinary day.
    eve = day - timedelta(days=1)
    found = free_resources(ResourceKind.SPACE, moment(eve, 10), moment(eve, 12), venue_ids=[world.venue.id])
    assert {free.resource.id for free in found} == {world.room.id, world.studio.id}


def test_a_venue_may_open_on_a_public_holiday(world):
    day, _ = next_holiday()
    db.session.add(VenueHolidayOpening(venue_id=world.venue.id, day=day, decided_by_id=world.manager.id))
    db.session.commit()
    booking = service.request_booking(world.room, world.member, moment(day, 10), moment(day, 12), now=utcnow())
    assert booking.id is not None
    db.session.commit()
    # Another venue stays closed that day.
    with pytest.raises(service.Refusal) as refused:
        service.request_booking(world.other_room, world.member, moment(day, 10), moment(day, 12), now=utcnow())
    assert Code.CLOSURE in refused.value.codes


def test_the_resource_calendar_shows_a_public_holiday_closed(world):
    day, _ = next_holiday()
    days = week_days(monday_of(day))
    _, columns = load_calendar(world.room, days, utcnow(), Viewer())
    holiday = next(column for column in columns if column.day == day)
    assert holiday.cells and all(cell.state == CellState.CLOSED for cell in holiday.cells)
    assert holiday.open_cells == 0
    others = [column for column in columns if column.day != day and column.day > paris_today() + timedelta(days=1)]
    if any(public_holidays(column.day, column.day) == {} for column in others):
        assert any(column.free_cells for column in others)
