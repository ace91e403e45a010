"""The catalogue in real Chromium: the search updates its results and the URL without reloading the page;
the resource calendar moves week by week with htmx and back/forward work; the keyboard reaches and
activates a free slot; axe-core finds no WCAG 2.1 A/AA violation, before and after htmx swaps."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from app.catalogue.calendar import iso_week
from tests.factories import PASSWORD
from tests.helpers import assert_no_axe_violations

PARIS = ZoneInfo("Europe/Paris")


def results(page):
    return page.locator("#resultats h3")


def test_the_search_updates_results_and_url_without_reloading(page, world, monday):
    page.goto("/ressources/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher une ressource")
    expect(results(page)).to_have_count(3)
    assert_no_axe_violations(page, "search page")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Type de ressource").select_option("machine")
    expect(results(page)).to_have_count(1)
    expect(results(page)).to_have_text(["Découpeuse laser"])
    expect(page).to_have_url(re.compile(r"type=machine"))

    page.get_by_label("Type de ressource").select_option("")
    page.get_by_label("Mots-clés").fill("salle")
    expect(results(page)).to_have_text(["Salle de réunion"])
    expect(page).to_have_url(re.compile(r"q=salle"))
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "search after an htmx swap")

    # End before start: the message comes next to the field, the results go away.
    page.get_by_label("Mots-clés").fill("")
    page.get_by_label("Début").fill(f"{monday:%Y-%m-%d}T12:00")
    page.get_by_label("Fin").fill(f"{monday:%Y-%m-%d}T10:00")
    expect(page.locator("#fin-error")).to_have_text("La fin doit suivre le début.")
    expect(page.get_by_label("Fin")).to_have_attribute("aria-invalid", "true")
    expect(results(page)).to_have_count(0)
    assert_no_axe_violations(page, "search with an error")

    page.get_by_label("Fin").fill(f"{monday:%Y-%m-%d}T14:00")
    expect(page.locator("#fin-error")).to_be_empty()
    expect(page.get_by_label("Fin")).not_to_have_attribute("aria-invalid", "true")
    expect(results(page)).to_have_count(3)
    expect(page.get_by_role("status")).to_contain_text("3 ressources libres")
    assert page.evaluate("window.stillTheSamePage") is True

    # The URL can be shared: opened afresh, it shows the same search.
    shared = page.url
    page.goto(shared)
    expect(page.get_by_label("Fin")).to_have_value(f"{monday:%Y-%m-%d}T14:00")
    expect(results(page)).to_have_count(3)


def test_week_navigation_with_back_and_forward(page, world, monday):
    url = f"/ressources/{world['room']}?semaine={iso_week(monday)}"
    page.goto(url)
    caption = page.locator("#cal-caption")
    expect(caption).to_contain_text(f"semaine du lundi {monday.day} ")
    assert_no_axe_violations(page, "resource page")
    page.evaluate("window.stillTheSamePage = true")

    following = monday + timedelta(days=7)
    page.get_by_role("link", name="Semaine suivante").click()
    expect(caption).to_contain_text(f"semaine du lundi {following.day} ")
    expect(page).to_have_url(re.compile(rf"semaine={iso_week(following)}$"))
    # Read out by the page's polite live region (the focus stays on the link).
    status = page.locator("#cal-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text(re.compile(rf"^Semaine du lundi {following.day} "))
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "resource page after an htmx swap")

    page.get_by_role("link", name="Voir le mois").click()
    expect(page.locator("table.calendar.month")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"mois={following:%Y-%m}$"))
    expect(status).to_have_text(re.compile(rf"^[A-ZÉ][a-zéû]+ {following.year}$"))
    assert_no_axe_violations(page, "month view")

    page.go_back()
    expect(page).to_have_url(re.compile(rf"semaine={iso_week(following)}$"))
    expect(caption).to_contain_text(f"semaine du lundi {following.day} ")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"semaine={iso_week(monday)}$"))
    expect(caption).to_contain_text(f"semaine du lundi {monday.day} ")
    expect(page.locator("h1")).to_have_count(1)  # the whole page came back, not a fragment in a fragment
    page.go_forward()
    expect(caption).to_contain_text(f"semaine du lundi {following.day} ")


def test_the_keyboard_reaches_and_activates_a_free_slot(page, world, monday):
    page.goto("/compte/connexion")
    page.get_by_label("Adresse e-mail").fill(world["member"])
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name=re.compile("Mon compte"))).to_be_visible()
    page.goto(f"/ressources/{world['room']}?semaine={iso_week(monday)}")

    # "Semaine suivante" keeps the focus after the swap, so the keyboard user carries on from there.
    page.get_by_role("link", name="Semaine suivante").focus()
    page.keyboard.press("Enter")
    following = monday + timedelta(days=7)
    expect(page.locator("#cal-caption")).to_contain_text(f"semaine du lundi {following.day} ")
    assert page.evaluate("document.activeElement.id") == "cal-next"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "cal-prev"
    page.keyboard.press("Enter")
    expect(page.locator("#cal-caption")).to_contain_text(f"semaine du lundi {monday.day} ")

    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.textContent")
        if name.strip().startswith("LibreRéserver"):
            break
    else:
        pytest.fail("no free slot reached with the keyboard")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert f"debut={monday:%Y-%m-%d}T09:00" in focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/ressources/{world['room']}/reserver\?debut={monday:%Y-%m-%d}T09(:|%3A)00"))
