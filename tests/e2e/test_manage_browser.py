"""A manager's resources pages in real Chromium: create a resource with a tariff, filter, retire inline;
axe-core finds no WCAG 2.1 A/AA violation on the list and the form, before and after htmx swaps."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import Resource, TariffAudience
from tests.factories import PASSWORD
from tests.factories.manage import build_consortium
from tests.helpers import assert_no_axe_violations, read_from_database

RESOURCES = "/gestion/lieux/la-machinerie/ressources"


def _log_in(page, email: str) -> None:
    page.goto("/compte/connexion?next=" + RESOURCES)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ressources de La Machinerie")


def test_a_manager_creates_a_resource_with_a_tariff_and_the_pages_pass_axe(page):
    world = build_consortium()
    _log_in(page, read_from_database(lambda: world.manager.email))
    assert_no_axe_violations(page, "resources list")

    page.get_by_role("link", name="Ajouter une ressource").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle ressource à La Machinerie")
    assert_no_axe_violations(page, "new resource form")

    # A mistake: the form comes back (422, swapped by htmx) with the message next to the field.
    page.get_by_label("Type de ressource").select_option("machine")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Imprimante 3D")
    page.get_by_role("group", name="Tarif consortium").get_by_label("À l'heure (€)").fill("-4")
    page.get_by_role("button", name="Créer la ressource").click()
    expect(page.get_by_text("Un montant ne peut pas être négatif.", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Nom", exact=True)).to_have_value("Imprimante 3D")
    assert_no_axe_violations(page, "resource form with errors")

    page.get_by_role("group", name="Tarif consortium").get_by_label("À l'heure (€)").fill("4,50")
    page.get_by_role("group", name="Tarif extérieurs").get_by_label("La journée (€)").fill("60")
    page.get_by_label("Type de machine").fill("Imprimante 3D")
    page.get_by_label("Formation obligatoire avant de réserver").check()
    page.get_by_role("button", name="Créer la ressource").click()
    expect(page.get_by_text("La ressource « Imprimante 3D » est créée.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/gestion/lieux/la-machinerie/ressources/\d+$"))
    expect(page.get_by_role("group", name="Tarif consortium").get_by_label("À l'heure (€)")).to_have_value("4,50")
    assert_no_axe_violations(page, "edit form with photos section")

    printer_id, training, consortium_hour, external_day = read_from_database(_printer_facts)
    assert training and (consortium_hour, external_day) == (450, 6000)

    # The list, filtered by htmx as one types: only the rows change (the page is not reloaded), the URL follows.
    page.goto(RESOURCES)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Rechercher").fill("imprim")
    expect(page.locator("#resource-rows tr")).to_have_count(1)
    expect(page.locator("#resource-rows")).to_contain_text("Imprimante 3D")
    expect(page).to_have_url(re.compile(r"q=imprim"))
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "resources list after an htmx filter")

    # Retire inline, after confirming: the row changes in place and the change is announced.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Retirer Imprimante 3D").click()
    row = page.locator(f"#resource-{printer_id}")
    expect(row).to_contain_text("Retirée")
    expect(page.get_by_role("status").filter(has_text="retirée du catalogue")).to_be_visible()
    expect(page.get_by_role("button", name="Remettre en service Imprimante 3D")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "resources list after retiring inline")
    assert not read_from_database(lambda: db.session.get(Resource, printer_id).is_active)


def _printer_facts():
    printer = db.session.scalar(db.select(Resource).where(Resource.slug == "imprimante-3d"))
    return (
        printer.id,
        printer.requires_training,
        printer.tariff_for(TariffAudience.CONSORTIUM).hour_cents,
        printer.tariff_for(TariffAudience.EXTERNAL).day_cents,
    )


def test_every_administration_page_passes_axe(page):
    world = build_consortium()
    room_id, venue_id, email = read_from_database(lambda: (world.room.id, world.venue.id, world.coordinator.email))
    page.goto("/compte/connexion?next=/gestion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestion")
    base = "/gestion/lieux/la-machinerie"
    for path in [
        "/gestion/",
        f"{base}/ressources/{room_id}",
        f"{base}/fermetures",
        f"{base}/habilitations",
        f"{base}/membres",
        "/gestion/coordination/lieux",
        f"/gestion/coordination/lieux/{venue_id}",
        "/gestion/coordination/gestionnaires",
        "/gestion/coordination/thematiques",
        "/gestion/coordination/structures",
        "/gestion/coordination/fermetures",
        "/gestion/coordination/utilisateurs",
    ]:
        page.goto(path)
        assert_no_axe_violations(page, path)
    # A form sent back with its errors.
    page.goto(f"{base}/fermetures")
    page.get_by_role("button", name="Ajouter la fermeture").click()
    expect(page.get_by_text("Indiquez le premier jour.", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "closure form with errors")
