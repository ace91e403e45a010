"""Guides: Markdown made safe, written with a preview (htmx and without JavaScript), versioned, shown on
the resource's page and linked from the booking and the kit hand-over."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from app.documentation import guides
from app.documentation.models import Guide, GuideVersion, Language
from app.documentation.text import render
from app.extensions import db
from tests.helpers import htmx_post, log_in, page_text

HOSTILE = """## Consignes

<script>alert("script")</script>

<iframe src="https://example.org/piege"></iframe>

[un lien](javascript:alert('lien')) et <a href="javascript:alert('a')">un autre</a>

<img src="/photo.png" onerror="alert('img')"> <p onclick="alert('p')" style="color:red">texte</p>

<svg onload="alert('svg')"></svg> <a href="JaVaScRiPt&#58;alert(1)">encodé</a>

[sûr](https://example.org/guide) **gras**
"""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_markdown_comes_out_clean():
    html = str(render(HOSTILE))
    parser = _Tags()
    parser.feed(html)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "iframe", "svg", "style", "object", "embed"}, html
    for tag, attributes in parser.tags:
        assert not [name for name in attributes if name.startswith("on") or name == "style"], (tag, attributes)
        for name in ("href", "src"):
            assert not (attributes.get(name) or "").strip().lower().startswith("javascript"), (tag, attributes)
    assert 'alert("script")' not in html  # a script's content goes with it
    # What is safe stays: the heading, the text, the https link (with rel), bold, the image.
    assert "<h2>Consignes</h2>" in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer nofollow">sûr</a>' in html
    assert "<strong>gras</strong>" in html
    assert '<img alt="" src="/photo.png">' in html


def test_a_manager_writes_a_guide_with_a_preview_then_a_new_version(client, world):
    log_in(client, world.manager)
    url = f"/documentation/ressources/{world.laser.id}/guides/nouveau"
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "## Consignes de sécurité" in page_text(form_page)  # the agreed sections to start from

    body = "## Sécurité\n\nPortez des **lunettes**.\n\n<script>alert(1)</script>"
    # Without JavaScript: the "Prévisualiser" button shows the page with the preview, nothing is written.
    previewed = client.submit(url, {"title": "Prise en main", "language": "fr", "body": body, "action": "apercu"})
    assert previewed.status_code == 200
    assert "<strong>lunettes</strong>" in previewed.get_data(as_text=True)
    assert "<script>alert" not in previewed.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Guide.id))) == 0

    # With htmx: the preview alone.
    fragment = htmx_post(client, "/documentation/apercu", {"body": body}, target="apercu", page=url)
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<strong>lunettes</strong>" in fragment.get_data(as_text=True)

    # A missing title: the message next to the field, the text kept, nothing written.
    refused = client.submit(url, {"title": "", "language": "fr", "body": body, "action": "enregistrer"})
    assert refused.status_code == 422
    assert "Donnez un titre au guide." in page_text(refused)
    assert "Portez des **lunettes**." in page_text(refused)

    saved = client.submit(url, {"title": "Prise en main", "language": "fr", "body": body, "action": "enregistrer"})
    assert saved.status_code == 303
    guide = db.session.scalar(db.select(Guide))
    edit_url = f"/documentation/guides/{guide.id}/modifier"
    client.submit(
        edit_url,
        {"title": "Prise en main de la laser", "language": "fr", "body": "Nouveau texte.", "note": "plus court"},
    )
    db.session.expire_all()
    assert [v.number for v in guide.versions] == [1, 2]
    shown = page_text(client.get(f"/documentation/guides/{guide.id}"))
    assert "Prise en main de la laser" in shown and "plus court" in shown
    old = page_text(client.get(f"/documentation/guides/{guide.id}?version=1"))
    assert "Ancienne version." in old and "lunettes" in old

    # The resource's page lists its guide; another venue's manager may not write one.
    resource_page = page_text(client.get(f"/ressources/{world.laser.id}"))
    assert f'href="/documentation/guides/{guide.id}"' in resource_page
    client.logout()
    log_in(client, world.alco_manager)
    assert client.get(url).status_code == 403


def test_the_guides_page_lists_a_resources_guides_in_the_readers_language_first(client, world):
    guides.create(world.kit, world.manager, title="Kit robots: getting started", body="Hello.", language=Language.EN)
    guides.create(world.kit, world.manager, title="Kit robots : prise en main", body="Bonjour.", language=Language.FR)
    db.session.commit()
    shown = page_text(client.get(f"/documentation/ressources/{world.kit.id}/guides"))
    assert re.search(r"Kit robots : prise en main.*Kit robots: getting started", shown, re.S)
    assert db.session.scalar(db.select(db.func.count(GuideVersion.id))) == 2
