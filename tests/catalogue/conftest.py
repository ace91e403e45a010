"""Fixtures of the catalogue's tests: the engine's small consortium (``tests.factories.bookings``),
committed, and the theme the search filters by."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Theme
from tests.factories.bookings import World, build_world


@pytest.fixture()
def world(app) -> World:
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture()
def fablab_theme(world) -> Theme:
    """La Machinerie's theme "Création et gestion de FabLab", committed (the search's tests use it)."""
    theme = Theme(slug="fablab", name_fr="Création et gestion de FabLab", name_en="FabLab creation and management")
    world.venue.themes.append(theme)
    db.session.commit()
    return theme
