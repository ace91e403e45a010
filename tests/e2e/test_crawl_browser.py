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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from app.demo.data import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.crawl import ROLES, crawl_as, shape
from tests.helpers import AXE_OPTIONS, assert_no_axe_violations, browser_page, watch_errors

# axe-core, as axe-playwright-python ships it: injected once per browser context (it then runs in
# every page the context opens) rather than sent again with each page.
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")

# One round trip per page: how much wider than the window it is, and axe-core's violations.
_CHECK = """async (options) => {
  const wider = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const results = await axe.run(document, options);
  return {wider, violations: results.violations.map(v => [v.id, v.help, v.nodes.slice(0, 3).map(n => n.target)])};
}"""

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


# The same rules as tests.helpers.assert_no_axe_violations, without working out CSS selectors of the
# nodes (the costly part of a report; they are worked out when a violation is found) and without
# looking into frames (the service has none).
FAST = {**AXE_OPTIONS, "selectors": False, "iframes": False}


def check_page(page, label: str) -> list[str]:
    """What is wrong with the page shown: sideways scroll at 320 px, axe-core violations."""
    found = page.evaluate(_CHECK, FAST)
    problems = []
    if found["wider"] > 0:
        problems.append(f"{label}: {found['wider']} px wider than 320: {page.evaluate(_CULPRITS)}")
    if found["violations"]:
        try:  # again, with the nodes' selectors, to say where
            assert_no_axe_violations(page, label)
        except AssertionError as failure:
            problems.append(str(failure))
        else:
            problems.append(f"{label}: accessibility violations: {found['violations']}")
    return problems


def check_in_turn(page, base_url: str, urls: list[str], who: str) -> list[str]:
    """Open and check each page. Two tabs of the same person take turns: while axe-core checks the
    page in one, the next page is already being served and laid out in the other."""
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    other_errors = watch_errors(other)
    problems: list[str] = []
    shown: tuple | None = None  # (tab, url) loaded and not checked yet
    for index, url in enumerate(urls):
        tab = (page, other)[index % 2]
        with tab.expect_navigation(wait_until="load") as navigation:
            tab.evaluate("url => window.location.assign(url)", base_url + url)
            if shown is not None:
                problems += check_page(shown[0], f"{who} {shown[1]}")
        response = navigation.value
        assert response is not None and response.ok, f"{who} {url}: {response and response.status}"
        shown = (tab, url)
    if shown is not None:
        problems += check_page(shown[0], f"{who} {shown[1]}")
    other.close()
    assert other_errors == [], f"JavaScript errors or CSP violations in the page: {other_errors}"
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
    # The links are followed in a thread of their own: Playwright keeps an asyncio loop running in
    # this one, and the agreements' PDFs met on the way are sealed with pyHanko's ``asyncio.run``.
    with ThreadPoolExecutor(max_workers=1) as pool:
        planned = pool.submit(_plan, app, language).result()
    print(f"{language}: links followed in {time.monotonic() - started:.0f} s")
    problems: list[str] = []
    for role, urls in planned.items():
        with browser_page(browser, live_server) as page:
            page.context.add_init_script(path=AXE_SCRIPT)
            page.set_viewport_size(PHONE)
            log_in(page, ROLES[role], language)
            problems += check_in_turn(page, live_server, urls, f"{role}/{language}")
    checked = sum(len(urls) for urls in planned.values())
    print(f"{language}: {checked} kinds of page checked in {time.monotonic() - started:.0f} s")
    assert checked > 40
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_check_sees_a_violation_and_a_sideways_scroll(page):
    """The quick check above does report what axe-core and the reflow rule refuse."""
    page.set_viewport_size(PHONE)
    page.set_content(
        '<!doctype html><html lang="fr"><title>x</title><main><img src="x.png">'
        '<div style="width: 600px">large</div></main></html>'
    )
    page.add_script_tag(path=AXE_SCRIPT)
    problems = check_page(page, "sample")
    assert any("wider than 320" in problem for problem in problems)
    assert any("image-alt" in problem for problem in problems)
