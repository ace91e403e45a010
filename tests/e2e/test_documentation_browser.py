"""The shared documentation in real Chromium: a manager writes a guide and its preview follows the
typing (htmx), without reloading the page; axe-core finds no WCAG 2.1 A/AA violation on the
documentation's pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.documentation import gallery, guides, toolbox
from app.documentation.models import Language, Licence, ToolAudience, Visibility
from app.extensions import db
from tests.factories import PASSWORD
from tests.factories.documentation import build_documentation_world
from tests.helpers import assert_no_axe_violations


def test_a_manager_writes_a_guide_with_a_live_preview(page):
    world = build_documentation_world()
    laser_id, email = world.laser.id, world.manager.email
    db.session.commit()
    page.goto(f"/compte/connexion?next=/documentation/ressources/{laser_id}/guides/nouveau")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau guide de « Découpeuse laser »")
    assert_no_axe_violations(page, "new guide")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Titre").fill("Prise en main")
    page.get_by_label("Texte du guide (Markdown)").fill(
        "## Sécurité\n\nPortez des **lunettes**.\n\n<img src=x onerror=alert(1)>"
    )
    preview = page.locator("#apercu")
    expect(preview.locator("strong")).to_have_text("lunettes")
    expect(preview.get_by_role("heading", level=2)).to_have_text("Sécurité")
    assert preview.locator("[onerror]").count() == 0
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_axe_violations(page, "new guide with its preview")

    page.get_by_role("button", name="Enregistrer le guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prise en main")
    expect(page).to_have_url(re.compile(r"/documentation/guides/\d+$"))
    expect(page.locator(".rendered strong")).to_have_text("lunettes")
    assert_no_axe_violations(page, "guide")


def test_the_documentation_pages_pass_axe(page):
    world = build_documentation_world()
    guides.create(
        world.kit, world.manager, title="Kit robots : contenu", body="- 4 robots\n- 1 tablette", language=Language.FR
    )
    tool = toolbox.share(
        world.machinerie,
        world.manager,
        toolbox.ToolDraft(
            title="Atelier robots",
            summary="Programmer un robot en équipe",
            body="## Déroulé\n\n1. Accueil\n2. Défi",
            audience=ToolAudience.CHILDREN,
            visibility=Visibility.PUBLIC,
            themes=[world.theme],
            resources=[world.kit],
        ),
    )
    project = gallery.submit(
        world.member,
        gallery.ProjectDraft(
            title="Lampe découpée",
            summary="Une lampe de chevet",
            body="En contreplaqué.",
            licence=Licence.CC_BY,
            resources=[world.laser],
            venues=[],
        ),
    )
    gallery.moderate(project, world.manager, publish=True)
    ids = {"tool": tool.id, "project": project.id, "kit": world.kit.id}
    db.session.commit()

    for url, heading in (
        ("/documentation/?q=robots", "Documentation partagée"),
        ("/documentation/boite-a-outils/", "Boîte à outils de la médiation"),
        (f"/documentation/boite-a-outils/{ids['tool']}", "Atelier robots"),
        ("/documentation/projets/", "Galerie des projets"),
        (f"/documentation/projets/{ids['project']}", "Lampe découpée"),
        (f"/documentation/ressources/{ids['kit']}/guides", "Guides de « Kit robots »"),
        (f"/ressources/{ids['kit']}", "Kit robots"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations(page, url)
    page.goto("/documentation/boite-a-outils/")
    page.get_by_label("Public").select_option("adults")
    expect(page.locator("#outils")).to_contain_text("Aucun outil ne correspond à ces filtres.")
    assert_no_axe_violations(page, "toolbox filtered")
