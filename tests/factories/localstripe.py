"""localstripe (PyPI), a stateful fake Stripe server, started on 127.0.0.1 (a free port) for the
payment tests; skipped with the reason when it cannot start.

It serves the Stripe API the ``stripe`` package talks to, its stand-in for Stripe.js at
``/js.stripe.com/v3/``, and POSTs signed webhooks to the address registered with
``/_config/webhooks/<id>``. Its store is emptied before each test, and never written to disk.

What localstripe lacks, and so what these tests do instead:

- its Stripe.js has no ``confirmPayment`` (nor a real Payment Element: ``elements.create`` gives
  its card fields), so the card is confirmed through its API (:func:`pay_with_test_card`), as
  Stripe.js would do from the page;
- it sends no ``charge.refunded`` event: a refund is known from the API's answer.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
import requests

SECRET_KEY = "sk_test_fnt_partage"
PUBLISHABLE_KEY = "pk_test_fnt_partage"
WEBHOOK_SECRET = "whsec_fnt_partage"
TEST_CARD = "4242424242424242"

_LAUNCHER = """
import sys
from aiohttp import web
import localstripe.resources as resources
resources.store.dump_to_disk = lambda: None  # nothing in /tmp: each run starts empty
from localstripe.server import app
import logging
logging.basicConfig(level=logging.INFO)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStripe:
    base: str

    @property
    def js_url(self) -> str:
        return f"{self.base}/js.stripe.com/v3/"

    def settings(self, **more) -> dict:
        return {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.base,
            "STRIPE_JS_URL": self.js_url,
            # localstripe signs with the real time; the tests' clock is pinned elsewhere.
            "STRIPE_WEBHOOK_TOLERANCE": 0,
            **more,
        }

    def _post(self, path: str, data: dict | None = None) -> dict:
        response = requests.post(
            self.base + path, data=data or {}, headers={"Authorization": f"Bearer {SECRET_KEY}"}, timeout=10
        )
        response.raise_for_status()
        return response.json() if response.content else {}

    def get(self, path: str) -> dict:
        response = requests.get(self.base + path, headers={"Authorization": f"Bearer {SECRET_KEY}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def send_webhooks_to(self, url: str) -> None:
        requests.post(f"{self.base}/_config/webhooks/fnt", data={"url": url, "secret": WEBHOOK_SECRET}, timeout=10)

    def flush(self) -> None:
        requests.delete(f"{self.base}/_config/data", timeout=10)
        requests.post(
            f"{self.base}/_config/webhooks/fnt", data={"url": "http://127.0.0.1:9/", "secret": "x"}, timeout=10
        )

    def pay_with_test_card(self, intent_id: str, number: str = TEST_CARD) -> dict:
        """What Stripe.js does when the buyer pays: a card payment method, attached and confirmed."""
        method = self._post(
            "/v1/payment_methods",
            {
                "type": "card",
                "card[number]": number,
                "card[exp_month]": "12",
                "card[exp_year]": "2030",
                "card[cvc]": "123",
            },
        )
        self._post(f"/v1/payment_intents/{intent_id}", {"payment_method": method["id"]})
        return self._post(f"/v1/payment_intents/{intent_id}/confirm")

    def events(self, type_: str | None = None) -> list[dict]:
        listed = self.get("/v1/events" + (f"?type={type_}" if type_ else ""))["data"]
        return listed


@pytest.fixture(scope="session")
def _localstripe_process(tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    try:
        with log_path.open("wb") as log:
            process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(port)], stdout=log, stderr=log)
    except OSError as error:
        pytest.skip(f"localstripe could not start: {error}")
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            reason = log_path.read_text(errors="replace")[-500:]
            pytest.skip(f"localstripe could not start (pip install localstripe): {reason}")
        try:
            requests.get(f"{base}/js.stripe.com/v3/", timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.skip("localstripe did not answer on 127.0.0.1 within 30 s")
            time.sleep(0.1)
    yield LocalStripe(base)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def localstripe(_localstripe_process) -> LocalStripe:
    _localstripe_process.flush()
    return _localstripe_process


def wait_for(condition, seconds: float = 15):
    """Until ``condition()`` is true (a webhook is delivered about a second after its event). Each
    look ends its transaction, so that SQLite lets the webhook's request write meanwhile."""
    from app.extensions import db

    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        db.session.rollback()
        if result:
            break
        if time.monotonic() > deadline:
            raise AssertionError("still not so after waiting for the webhook")
        time.sleep(0.05)
    return result
