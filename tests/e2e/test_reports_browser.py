"""The reports page in real Chromium: a filter changes the figures in place (htmx) with the address
following, the charts load under the Content-Security-Policy, and axe-core finds no WCAG 2.1 A/AA
violation."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories.reports import build_reports_world
from tests.helpers import assert_no_axe_violations


def test_a_coordinator_filters_the_report_in_place(page):
    build_reports_world()
    page.goto("/compte/connexion?next=/gestion/bilans/%3Fperiode%3Dmonth%26mois%3D2027-03")
    page.get_by_label("Adresse e-mail").fill("coordination@test.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="mars 2027")).to_be_visible()
    chart = page.locator("#table-reservations_par_lieu img.chart")
    expect(chart).to_have_attribute("alt", re.compile("Heures réservées par lieu"))
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    page.evaluate("window.swapped = true")  # gone if the page reloads
    page.get_by_label("Type de ressource").select_option("kit")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"type=kit"))
    expect(page.locator("#table-kits")).to_contain_text("Kit son")
    expect(page.locator("#table-occupation")).to_contain_text("Rien sur cette période.")
    assert page.evaluate("window.swapped === true")
    assert_no_axe_violations(page, "reports")
