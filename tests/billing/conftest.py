"""Fixtures of the billing tests: the agreements' world (``tests.factories.agreements``), whose
venue, La Briqueterie, has its billing identity (``tests.factories.billing``)."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.factories.billing import BillingWorld, make_billing_world


@pytest.fixture()
def world(app) -> BillingWorld:
    return make_billing_world()


@pytest.fixture()
def stripe_app(app, localstripe):
    """The test app with online payment on, pointed at localstripe."""
    app.config.update(localstripe.settings())
    return app


@pytest.fixture()
def webhook_server(app_factory, stripe_app, localstripe):
    """The app served on 127.0.0.1 (a free port), localstripe sending its webhooks there."""
    served = app_factory(**localstripe.settings())
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    localstripe.send_webhooks_to(f"{base}/paiements/webhook/stripe")
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)
