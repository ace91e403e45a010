"""Fixtures of the API's tests: the engine's small consortium, committed, and a day it is open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import VenueHolidayOpening
from tests.factories.bookings import World, build_world


@pytest.fixture()
def world(app) -> World:
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture()
def open_day(world, monday):
    """A Tuesday 8 to 14 days ahead, on which both venues open even if it is a public holiday."""
    day = monday + timedelta(days=1)
    for venue in (world.venue, world.other_venue):
        db.session.add(VenueHolidayOpening(venue_id=venue.id, day=day))
    db.session.commit()
    return day


@pytest.fixture()
def bearer(app):
    """``bearer(user)``: the Authorization header of a new personal API token of ``user``."""
    from app.api.tokens import create_token

    def make(user, **values) -> dict:
        _row, plain = create_token(user, values.pop("name", "Script"), **values)
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make
