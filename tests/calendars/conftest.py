"""Fixtures of the calendar feeds' tests: the engine's small consortium (``tests.factories.bookings``)
at its moment, and a calendar application."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories.bookings import NOW, World, build_world


@pytest.fixture()
def world(app, clock) -> World:
    """The engine's small consortium, with the clock at its moment (``NOW``, 1 March 2027), so that
    the feeds, which show what ends after their history limit, see its March 2027 bookings."""
    clock.move_to(NOW)
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture()
def calendar_app(app):
    """A second client with no session at all: a calendar application polling the feed."""
    return app.test_client()
