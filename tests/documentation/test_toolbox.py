"""The mediation toolbox: members-only tools stay hidden from anonymous visitors (list, page, search,
files); filters by theme, audience and venue; another venue reuses a tool, the original credited."""

from __future__ import annotations

import io

from app.documentation import files, toolbox
from app.documentation.models import Tool, ToolAudience, Visibility
from app.extensions import db
from tests.helpers import htmx_get, log_in, page_text


def _share(world, title, visibility=Visibility.PUBLIC, audience=ToolAudience.CHILDREN, themes=(), venue=None):
    return toolbox.share(
        venue or world.machinerie,
        world.manager if venue is None else world.alco_manager,
        toolbox.ToolDraft(
            title=title,
            summary="Un atelier",
            body="## Déroulé\n\n1. Accueil",
            audience=audience,
            visibility=visibility,
            themes=list(themes),
            resources=[world.kit],
        ),
    )


def test_members_only_tools_are_not_shown_to_anonymous_visitors(app, client, world):
    _share(world, "Atelier robots pour les enfants")
    secret = _share(world, "Fiche d'animation interne", visibility=Visibility.MEMBERS)
    attached = files.store(
        io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        "fiche.pdf",
        {"tool_id": secret.id},
        world.manager,
        files.folder(app),
        files.max_bytes(app),
    )
    db.session.commit()

    listing = page_text(client.get("/documentation/boite-a-outils/"))
    assert "Atelier robots pour les enfants" in listing
    assert "Fiche d'animation interne" not in listing
    assert client.get(f"/documentation/boite-a-outils/{secret.id}").status_code == 302  # to the log-in page
    assert client.get(f"/documentation/fichiers/{attached.token}").status_code == 404
    assert "Fiche d'animation interne" not in page_text(client.get("/documentation/?q=fiche animation"))

    log_in(client, world.member)
    assert "Fiche d'animation interne" in page_text(client.get("/documentation/boite-a-outils/"))
    assert "Fiche d'animation interne" in page_text(client.get("/documentation/?q=fiche animation"))
    tool_page = client.get(f"/documentation/boite-a-outils/{secret.id}")
    assert tool_page.status_code == 200 and "Kit robots" in page_text(tool_page)
    served = client.get(f"/documentation/fichiers/{attached.token}")
    assert served.status_code == 200
    served.close()


def test_filters_by_theme_audience_and_venue_and_words(client, world):
    _share(world, "Initiation à la découpe laser", audience=ToolAudience.ADULTS, themes=[world.theme])
    _share(world, "Jeu de piste numérique", audience=ToolAudience.FAMILIES)
    _share(world, "Café réparation", audience=ToolAudience.ADULTS, venue=world.alco)
    db.session.commit()

    def titles(query: str) -> list[str]:
        shown = htmx_get(client, f"/documentation/boite-a-outils/?{query}", target="outils")
        return sorted(
            t
            for t in ("Initiation à la découpe laser", "Jeu de piste numérique", "Café réparation")
            if t in page_text(shown)
        )

    assert titles(f"theme={world.theme.id}") == ["Initiation à la découpe laser"]
    assert titles("audience=adults") == ["Café réparation", "Initiation à la découpe laser"]
    assert titles(f"venue={world.alco.id}") == ["Café réparation"]
    assert titles(f"audience=adults&venue={world.machinerie.id}") == ["Initiation à la découpe laser"]
    assert titles("q=reparer") == ["Café réparation"]


def test_another_venue_reuses_a_tool_under_its_name_crediting_the_original(client, world):
    original = _share(world, "Atelier robots pour les enfants")
    db.session.commit()
    log_in(client, world.alco_manager)
    page = f"/documentation/boite-a-outils/{original.id}"
    assert "Réutiliser cet outil" in page_text(client.get(page))
    done = client.submit(f"/documentation/boite-a-outils/{original.id}/reutiliser", {"venue": world.alco.id}, page=page)
    assert done.status_code == 303
    copy = db.session.scalar(db.select(Tool).where(Tool.id != original.id))
    assert (copy.venue_id, copy.reused_from_id, copy.title) == (world.alco.id, original.id, original.title)
    shown = page_text(client.get(done.headers["Location"]))
    assert "Partagé par ALCO" in shown
    assert "Réutilisé d'après « Atelier robots pour les enfants », La Machinerie." in shown

    # A member who manages no venue cannot reuse; the venue's own tool cannot be reused into it.
    client.logout()
    log_in(client, world.member)
    refused = client.submit(
        f"/documentation/boite-a-outils/{original.id}/reutiliser", {"venue": world.machinerie.id}, page=page
    )
    assert refused.status_code == 303
    assert db.session.scalar(db.select(db.func.count(Tool.id))) == 2
