"""Fixtures of the desk's and the planning's tests: their consortium, open around the clock
(``tests.factories.desk``)."""

from __future__ import annotations

import pytest

from tests.factories.desk import DeskWorld, build_desk_world


@pytest.fixture()
def world(app) -> DeskWorld:
    return build_desk_world()
