"""Fixtures of the documentation's tests: its small world (``tests.factories.documentation``), committed."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories.documentation import DocumentationWorld, build_documentation_world


@pytest.fixture()
def world(app) -> DocumentationWorld:
    built = build_documentation_world()
    db.session.commit()
    return built
