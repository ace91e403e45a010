"""The newcomer's journey in Chromium: request, private link, acceptance by the venue, account."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.core.clock import paris_today
from app.extensions import db
from app.models import Audience
from tests.factories import PASSWORD, make_resource
from tests.factories.newcomers import consortium
from tests.helpers import assert_no_axe_violations, next_weekday


def _link(outbox, to: str, path: str) -> str:
    """The link to ``path`` in the last email to ``to`` that has one."""
    texts = [outbox.text(m) for m in outbox.messages() if m["To"] == to]
    return [match.group(1) for text in texts if (match := re.search(r"http://\S+?(" + path + r"\S+)", text))][-1]


def test_newcomer_journey_in_the_browser(page, outbox, clock):
    _themes, venues, managers = consortium()
    make_resource(
        venues["la-machinerie"], slug="espace-test", name="Atelier test", is_test_space=True, open_to=Audience.NEWCOMER
    )
    manager_email = managers["la-machinerie"].email
    # End the test's transaction: on SQLite it would hold the write lock the served app needs.
    db.session.commit()

    page.goto("/")
    page.get_by_role("link", name="Proposer un projet / demander un espace test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un projet / demander un espace test")
    assert_no_axe_violations(page, "request form")
    page.get_by_label("Nom et prénom").fill("Inès Durand")
    page.get_by_label("Adresse e-mail").fill("ines@exemple")
    page.get_by_label("Titre du projet").fill("Atelier de réparation de vélos")
    page.get_by_label("Description du projet").fill("Un atelier ouvert où chacun apprend à réparer son vélo.")
    page.get_by_label("Création et gestion de FabLab").check()
    page.get_by_label("Un espace test pour expérimenter le projet").check()
    # Four years ahead: a date the service takes (up to ten years), but not this form (two years).
    page.get_by_label("Début de la période souhaitée").fill(_in_days(4 * 365))
    page.get_by_label("Fin de la période souhaitée").fill(_in_days(4 * 365 + 31))
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.get_by_text("Cette adresse e-mail n'est pas valide.", exact=True)).to_be_visible()
    expect(page.get_by_text("Indiquez une période dans les deux ans qui viennent.", exact=True)).to_be_visible()
    expect(page.get_by_label("Titre du projet")).to_have_value("Atelier de réparation de vélos")
    expect(page.get_by_label("Création et gestion de FabLab")).to_be_checked()
    assert_no_axe_violations(page, "request form with errors")
    page.get_by_label("Adresse e-mail").fill("ines@example.org")
    page.get_by_label("Début de la période souhaitée").fill(_in_days(14))
    page.get_by_label("Fin de la période souhaitée").fill(_in_days(60))
    page.get_by_label(re.compile("J'accepte que les lieux")).check()
    clock.shift(60)  # a person takes a minute over the form (the minimum fill time is checked)
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre demande est envoyée")
    expect(page.get_by_text("Elle est transmise à La Machinerie")).to_be_visible()

    page.goto(_link(outbox, "ines@example.org", "/projets/suivi/"))
    expect(page.get_by_text("Lieu qui suit votre demande")).to_be_visible()
    expect(page.get_by_role("link", name="La Machinerie")).to_be_visible()
    assert_no_axe_violations(page, "private status page")

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill(manager_email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.goto("/gestion/projets")
    page.get_by_role("link", name="Atelier de réparation de vélos").click()
    assert_no_axe_violations(page, "desk request page")
    page.get_by_label("Espace test proposé").select_option(label="Atelier test")
    tuesday = next_weekday(paris_today() + timedelta(days=14), 1)
    page.get_by_label("Première séance le").fill(tuesday.isoformat())
    page.get_by_label("De", exact=True).fill("14:00")
    page.get_by_label("À", exact=True).fill("18:00")
    page.get_by_label("Dernière séance au plus tard le").fill((tuesday + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Accepter la demande").click()
    expect(page.get_by_text("La demande est acceptée")).to_be_visible()
    expect(page.get_by_text("(validée)")).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("^Convention "))).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    # The log-out answered before going on: its new session cookie would otherwise land after the
    # invitation's form was served, and the form's CSRF token would belong to the old session (400).
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    page.goto(_link(outbox, "ines@example.org", "/projets/invitation/"))
    expect(page.get_by_role("textbox", name="Structure", exact=True)).to_have_value("Inès Durand")
    page.get_by_role("textbox", name="Structure", exact=True).fill("Collectif Hortillon")
    page.locator("#password").fill("un mot de passe long")
    page.get_by_label("Confirmez le mot de passe").fill("un mot de passe long")
    page.get_by_role("button", name="Ouvrir mon compte").click()
    expect(page.get_by_text("Bienvenue, Inès Durand ! Votre compte est ouvert.")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _in_days(days: int) -> str:
    return (paris_today() + timedelta(days=days)).isoformat()
