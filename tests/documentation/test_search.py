"""The search in French, on both databases: accents and plurals ("reparer" finds "réparation")."""

from __future__ import annotations

from app.documentation import guides, search, toolbox
from app.documentation.models import Language, ToolAudience, Visibility
from app.extensions import db
from tests.helpers import page_text


def test_french_words_are_found_without_their_accents_and_in_the_plural(client, world):
    guide = guides.create(
        world.laser,
        world.manager,
        title="En cas de problème",
        body="La réparation de la lentille : éteindre la machine, puis nettoyer les miroirs.",
        language=Language.FR,
    )
    toolbox.share(
        world.machinerie,
        world.manager,
        toolbox.ToolDraft(
            title="Atelier d'électronique",
            summary="Souder des circuits",
            body="Pour les ateliers du mercredi.",
            audience=ToolAudience.TEENAGERS,
            visibility=Visibility.PUBLIC,
            themes=[],
            resources=[],
        ),
    )
    db.session.commit()

    def found(query):
        return [(hit.kind, hit.title) for hit in search.search(query, members=False)]

    assert found("reparer") == [("guide", "En cas de problème")]
    assert found("RÉPARATIONS miroir") == [("guide", "En cas de problème")]
    assert found("electronique atelier") == [("tool", "Atelier d'électronique")]
    assert found("reparer electronique") == []  # every word must match
    assert found("jardinage") == []

    # A new version is indexed in place of the old one.
    guides.revise(guide, world.manager, title="Entretien", body="Changer la buse.", language=Language.FR)
    db.session.commit()
    assert found("reparer") == []
    assert found("buses") == [("guide", "Entretien")]
    assert f'href="/documentation/guides/{guide.id}"' in page_text(client.get("/documentation/?q=buse"))
