"""Fixtures of the reports' tests: the small consortium of 2027 (``tests.factories.reports``)."""

from __future__ import annotations

import pytest

from tests.factories.reports import ReportsWorld, build_reports_world


@pytest.fixture()
def world(app) -> ReportsWorld:
    return build_reports_world()
