"""Language of parts (issue 15, WCAG 3.1.2): on English pages, the names, descriptions and purposes
written in French carry ``lang="fr"``; on French pages they need no mark."""

from __future__ import annotations

from app.extensions import db
from tests.factories import make_resource, make_venue
from tests.helpers import csrf_token_from


def _choose_english(client) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/langue", data={"locale": "en", "next": "/", "csrf_token": token}).status_code == 303


def test_french_content_is_marked_french_on_english_pages(client):
    venue = make_venue(short_description="FabLab et création numérique")
    resource = make_resource(venue, capacity=10)
    db.session.commit()
    venue_url, resource_url, name = f"/lieux/{venue.slug}", f"/ressources/{resource.id}", resource.name

    french = client.get(venue_url).get_data(as_text=True)
    assert '<h1 class="venue-title">La Machinerie</h1>' in french and 'lang="fr"><' not in french.split("<body", 1)[1]

    _choose_english(client)
    english = client.get(venue_url).get_data(as_text=True)
    assert '<h1 class="venue-title"><span lang="fr">La Machinerie</span></h1>' in english
    assert '<p class="lead"><span lang="fr">FabLab et création numérique</span></p>' in english
    page = client.get(resource_url).get_data(as_text=True)
    assert f'<h1><span lang="fr">{name}</span></h1>' in page
