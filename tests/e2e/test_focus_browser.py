"""After every kind of htmx swap the keyboard focus is on something meaningful, never lost on
<body> (issue 15, WCAG 2.4.3): the new heading, the outcome, or the error summary. The pages in
those states pass axe-core, and their HTML passes the Nu HTML checker when it is installed.

The kinds of swap: a day link of the month view (to the week), the tabs of "Mes réservations",
cancelling a booking inline (its row is replaced), the planning's links, boosted navigation, and a
boosted form answered 422.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from playwright.sync_api import expect

from app.bookings import service
from app.core.clock import PARIS
from app.extensions import db
from tests.crawl import VNU_JAR, nu_errors
from tests.factories import PASSWORD
from tests.factories.bookings import build_world, monday_ahead
from tests.helpers import assert_no_axe_violations, browser_page

_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) { return ""; }
  return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + (e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 80);
}"""


def focused(page) -> str:
    """The element that has the focus, as ``tag#id text``; "" when the focus is lost on <body>."""
    return page.evaluate(_FOCUSED)


def _world() -> dict:
    world = build_world()
    monday = monday_ahead()
    start = datetime.combine(monday, time(10), tzinfo=PARIS)
    booking = service.request_booking(world.room, world.member, start, start + timedelta(hours=2))
    ids = {
        "room": world.room.id,
        "member": world.member.email,
        "manager": world.manager.email,
        "booking": booking.id,
        "venue": world.room.venue.slug,
        "month": f"{monday:%Y-%m}",
    }
    db.session.commit()
    return ids


def _log_in(page, email: str) -> None:
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _after_swap(page, label: str, states: dict[str, str], expected: re.Pattern[str]) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    where = focused(page)
    assert where, f"{label}: the focus fell back to <body>"
    assert expected.search(where), f"{label}: the focus is on {where!r}"
    assert_no_axe_violations(page, label)
    states[label] = page.content()


def test_the_focus_after_every_kind_of_swap(browser, live_server, app, tmp_path):
    ids = _world()
    states: dict[str, str] = {}
    with browser_page(browser, live_server) as page:
        _log_in(page, ids["member"])

        # Boosted navigation: the new page's heading.
        page.get_by_role("link", name="Mes réservations").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes réservations")
        _after_swap(page, "boosted navigation", states, re.compile(r"^h1 Mes réservations"))

        # The tabs: the list's heading.
        page.get_by_role("link", name="Passées").click()
        expect(page).to_have_url(re.compile(r"vue=passees"))
        _after_swap(page, "past tab", states, re.compile(r"^h2.*Réservations passées"))
        page.get_by_role("link", name="À venir").click()
        expect(page.locator(f"#booking-{ids['booking']}")).to_be_visible()
        _after_swap(page, "upcoming tab", states, re.compile(r"^h2"))

        # Cancelling inline: the replaced row, which says the outcome.
        page.once("dialog", lambda dialog: dialog.accept())
        row = page.locator(f"#booking-{ids['booking']}")
        row.get_by_role("button", name=re.compile("^Annuler")).click()
        expect(row).to_contain_text("annulée")
        _after_swap(page, "inline cancel", states, re.compile(rf"^tr#booking-{ids['booking']} .*annulée"))

        # The month view's day link: the week's calendar, named by its caption.
        page.goto(f"/ressources/{ids['room']}?mois={ids['month']}")
        page.locator("#calendrier table.month a").first.click()
        expect(page.locator("#calendrier table.week")).to_be_visible()
        _after_swap(page, "month to week", states, re.compile(r"^(div|h2|caption)"))

        # A boosted form answered 422: the error summary.
        page.goto(f"/ressources/{ids['room']}/reserver")
        page.get_by_role("button", name="Réserver", exact=True).click()
        expect(page.locator(".error-summary")).to_be_visible()
        _after_swap(page, "boosted 422", states, re.compile(r"^div .*Le formulaire contient des erreurs"))

    with browser_page(browser, live_server) as page:
        _log_in(page, ids["manager"])
        page.goto("/gestion/planning")
        for number in range(4):
            links = page.locator("#planning a[data-hx-get]")
            if links.count() <= number:
                break
            link = links.nth(number)
            name = link.inner_text()
            link.click()
            _after_swap(page, f"planning link {number + 1} ({name})", states, re.compile(r"^(h2|h3|div|section)"))
        assert sum(label.startswith("planning link") for label in states) >= 2

    if VNU_JAR.exists():
        errors = nu_errors(states, tmp_path / "states")
        assert errors == [], "\n".join(errors)
