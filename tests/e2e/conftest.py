"""Browser tests: the real app served on loopback, driven in Debian's Chromium by Playwright
(their helpers, ``browser_page``, ``read_from_database`` and ``assert_no_axe_violations``, are in ``tests.helpers``).

Without Chromium these tests are skipped with a message saying how to install it
(`apt-get install chromium`; .ci/run does it). Playwright's own browser download is
never used: we launch the system Chromium.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.factories.bookings import build_world
from tests.helpers import browser_page

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    return next((path for name in CHROMIUM_CANDIDATES if (path := shutil.which(name))), None)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = _chromium_path()
    if path is None:
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium) to run the browser tests")
    return path


@pytest.fixture(scope="package")
def browser(chromium_executable):
    """One Chromium for the browser tests, stopped when they are done: Playwright's synchronous API keeps an
    asyncio loop marked as running in this thread while it lives, and code under test that calls
    ``asyncio.run`` (pyHanko's signing, for the agreements) must not run beside it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def live_server(app_factory, app):
    """The app served over HTTP on 127.0.0.1 (a free port), on the test database."""
    served = app_factory(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture()
def page(browser, live_server):
    with browser_page(browser, live_server) as opened:
        yield opened


@pytest.fixture()
def world(app):
    """The engine's small consortium (``tests.factories.bookings``), committed: the ids the catalogue's
    browser tests need."""
    built = build_world()
    db.session.commit()
    ids = {"room": built.room.id, "member": built.member.email}
    db.session.commit()
    return ids
