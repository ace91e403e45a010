"""Fixtures of the billing tests: the agreements' world (``tests.factories.agreements``), whose
venue, La Briqueterie, has its billing identity (``tests.factories.billing``)."""

from __future__ import annotations

import pytest

from tests.factories.billing import BillingWorld, make_billing_world


@pytest.fixture()
def world(app) -> BillingWorld:
    return make_billing_world()
