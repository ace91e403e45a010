"""Fixtures of the fair-use tests: the booking engine's small consortium (``tests.factories.bookings``)."""

from __future__ import annotations

import pytest

from tests.factories.bookings import World, build_world


@pytest.fixture()
def world(app) -> World:
    return build_world()
