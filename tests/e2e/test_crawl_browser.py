"""Every kind of page each role reaches by links, in French and in English, in Chromium 320 CSS
pixels wide (issue 15): axe-core finds no violation (WCAG 2.0, 2.1 A/AA and 2.2 AA) and nothing
scrolls sideways (WCAG 1.4.10).

The links are followed first through the test client (fast); then the browser opens one page of
each shape of URL (see ``tests.crawl.shape``), as the first role that reaches it, so that every kind
of page is checked and the run stays short. The HTML of all those pages passes the Nu HTML checker
in tests/whole/test_html_validity.py; the states after htmx swaps are checked in
tests/e2e/test_focus_browser.py.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from app.demo.data import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.crawl import ROLES, crawl_as, shape
from tests.helpers import assert_no_axe_violations, browser_page

PHONE = {"width": 320, "height": 640}

# The innermost elements that stick out past the window's right edge, to say what to fix.
_CULPRITS = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > limit + 1
      && ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1));
  return out.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
      + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');
}"""


def log_in(page, email: str | None, language: str) -> None:
    """Log in with this demo account (None: stay a visitor), then choose the language."""
    page.goto("/compte/connexion")
    if email:
        page.locator("#email").fill(email)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_url(lambda url: "/compte/connexion" not in url)
    choice = page.locator(f".lang-switch button[value={language}]")
    if choice.is_enabled():  # the account may have chosen it already
        choice.click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{language}"))


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def check_page(page, label: str) -> list[str]:
    """What is wrong with the page shown: sideways scroll at 320 px, axe-core violations."""
    problems = []
    if (wider := horizontal_overflow(page)) > 0:
        problems.append(f"{label}: {wider} px wider than 320: {page.evaluate(_CULPRITS)}")
    try:
        assert_no_axe_violations(page, label)
    except AssertionError as failure:
        problems.append(str(failure))
    return problems


def _plan(app, language: str) -> dict[str, list[str]]:
    """For each role, the pages the browser opens: one per shape of URL not reached by a role before."""
    planned: dict[str, list[str]] = {}
    shapes: set[str] = set()
    for role, email in ROLES.items():
        planned[role] = []
        for url in crawl_as(app, email, language, per_shape=1, limit=120):
            if shape(url) not in shapes:
                shapes.add(shape(url))
                planned[role].append(url)
    return planned


@pytest.mark.timeout(360)  # the demo has bookings to show since issue 22: more pages; slow on a loaded machine
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_kind_of_page_of_every_role(browser, live_server, app, language):
    assert load_demo()
    db.session.commit()
    started = time.monotonic()
    planned = _plan(app, language)
    print(f"{language}: links followed in {time.monotonic() - started:.0f} s")
    problems: list[str] = []
    for role, urls in planned.items():
        with browser_page(browser, live_server) as page:
            page.set_viewport_size(PHONE)
            log_in(page, ROLES[role], language)
            for url in urls:
                response = page.goto(url)
                assert response is not None and response.ok, f"{role} {url}: {response and response.status}"
                problems += check_page(page, f"{role}/{language} {url}")
    checked = sum(len(urls) for urls in planned.values())
    print(f"{language}: {checked} kinds of page checked in {time.monotonic() - started:.0f} s")
    assert checked > 40
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
