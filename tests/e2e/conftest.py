"""Browser tests: the real app served on loopback, driven in Debian's Chromium by Playwright.

Without Chromium these tests are skipped with a message saying how to install it
(`apt-get install chromium`; .ci/run does it). Playwright's own browser download is
never used: we launch the system Chromium.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

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


BENIGN_CONSOLE_ERRORS = ("Failed to load resource", "htmx:sendAbort", "htmx:afterRequest")


@contextmanager
def browser_page(browser, base_url: str):
    """A page in a context of its own (its own cookies: one person), failing the test on any
    JavaScript error or CSP violation it saw."""
    context = browser.new_context(base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # HTTP error statuses (a 422 form, a 404) are not script errors; CSP violations and exceptions are.
    # htmx also logs, as errors, a request it aborted on purpose because a newer one replaced it
    # (hx-sync "replace"): not an error either (a failed request logs htmx:responseError/sendError).
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith(BENIGN_CONSOLE_ERRORS)
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations in the page: {errors}"


@pytest.fixture()
def page(browser, live_server):
    with browser_page(browser, live_server) as opened:
        yield opened


def read_from_database(query):
    """Run ``query`` on fresh data from the test's session, then end its transaction: on SQLite an
    open transaction would hold the lock the live server needs."""
    from app.extensions import db

    db.session.expire_all()
    try:
        return query()
    finally:
        db.session.commit()


def assert_no_axe_violations(page, label: str = "") -> None:
    """axe-core, WCAG 2.1 A and AA rules: no violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = results.response["violations"]
    summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"{label}: accessibility violations: {summary}"
