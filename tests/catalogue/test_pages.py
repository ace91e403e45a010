"""The public pages with the demo consortium loaded: the home page and each venue's page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.demo.content import VENUES
from app.demo.data import load_demo
from app.extensions import db
from app.models import Resource, ResourcePhoto, Venue
from tests.helpers import text_of

WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]


@pytest.fixture()
def demo(app):
    load_demo(production=False)


def hours_table(page: str) -> dict[str, str]:
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', page, re.S)
    return {text_of(day): text_of(hours) for day, hours in rows}


def section(page: str, kind: str) -> str:
    """The section of one kind of resource ("space", "machine", "kit"), or "" when absent."""
    match = re.search(rf'<section aria-labelledby="kind-{kind}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def cards(page: str) -> dict[str, str]:
    """Each resource card's text, by resource slug."""
    found = {}
    for chunk in page.split('<li class="card" id="ressource-')[1:]:
        slug, _, rest = chunk.partition('">')
        found[slug] = text_of(rest.split("</section>")[0])
    return found


def test_the_home_page_lists_the_six_venues_with_links(client, demo):
    page = client.get("/").get_data(as_text=True)

    links = dict(re.findall(r'<a href="/lieux/([^"]+)">([^<]+)</a>', page))
    assert {slug: html.unescape(name) for slug, name in links.items()} == {v.slug: v.name for v in VENUES}
    text = text_of(page)
    assert text.count("Lieu porteur") == 1
    assert "12 rue Dijon, 80000 Amiens" in text
    for theme in ("Écologie et maraîchage biologique", "Création dans l'espace public", "Participation citoyenne"):
        assert theme in text
    # Every link leads to a page.
    for slug in links:
        assert client.get(f"/lieux/{slug}").status_code == 200


def test_a_venue_page_shows_address_themes_and_opening_hours(client, demo):
    page = client.get("/lieux/ile-aux-fruits").get_data(as_text=True)

    text = text_of(page)
    assert "L'Île aux Fruits" in text
    assert "24 chemin des Hortillons, 80080 Amiens" in text
    assert "Écologie et maraîchage biologique" in text
    assert "Téléphone : 03 22 47 18 06" in text
    hours = hours_table(page)
    assert list(hours) == WEEKDAYS
    assert hours["Lundi"] == "08:00–12:30"
    assert hours["Mercredi"] == "08:00–12:30, 14:00–17:30"
    assert hours["Dimanche"] == "Fermé"

    cafe = hours_table(client.get("/lieux/maison-du-colonel").get_data(as_text=True))
    assert cafe["Lundi"] == cafe["Mardi"] == "Fermé"
    assert cafe["Samedi"] == "11:00–23:00"


def test_resources_are_grouped_by_kind_with_capacity_units_and_training(client, demo):
    page = client.get("/lieux/la-machinerie").get_data(as_text=True)

    assert "Lieu porteur du consortium" in page
    machines, spaces = text_of(section(page, "machine")), text_of(section(page, "space"))
    assert section(page, "kit") == ""
    for name in (
        "Découpeuse laser",
        "Fraiseuse numérique CNC",
        "Imprimante 3D Prusa MK4 n° 1",
        "Imprimante 3D Prusa MK4 n° 2",
        "Imprimante 3D Prusa MK4 n° 3",
    ):
        assert name in machines and name not in spaces
    assert "Salle de réunion « La Verrière »" in spaces and "Plateau de coworking" in spaces
    by_slug = cards(page)
    assert "formation requise" in by_slug["decoupeuse-laser"]
    assert "formation requise" not in by_slug["imprimante-3d-1"]
    assert "14 personnes" in by_slug["salle-verriere"]
    # The FabLab's own hours, the booking terms and the safety rules.
    assert "Horaires propres : Mardi – Samedi 09:30–12:30, 14:00–19:00" in by_slug["fraiseuse-cnc"]
    assert "Durée : de 30 min à 3 h." in by_slug["decoupeuse-laser"]
    assert "À réserver au moins 2 h à l'avance, au plus 60 jours à l'avance." in by_slug["decoupeuse-laser"]
    assert "Matériaux interdits : PVC" in by_slug["decoupeuse-laser"]

    kits = cards(client.get("/lieux/alco").get_data(as_text=True))
    assert "Kit mobile · 12 unités" in kits["tablettes-mediation"]
    assert "Caution : 50,00 € par unité." in kits["tablettes-mediation"]
    assert "1 tablette Android 10 pouces dans sa coque" in kits["tablettes-mediation"]


def test_tariffs_are_shown_for_the_audiences_a_resource_is_open_to(client, demo):
    by_slug = cards(client.get("/lieux/la-machinerie").get_data(as_text=True))

    laser = by_slug["decoupeuse-laser"]
    assert "Ouvert au consortium et à ses partenaires." in laser
    assert "Membres du consortium 5,00 € l'heure" in laser
    assert "Partenaires 12,00 € l'heure" in laser
    assert "Extérieurs" not in laser  # not open to them
    room = by_slug["salle-verriere"]
    assert "Membres du consortium gratuit" in room
    assert "Extérieurs 25,00 € l'heure · 70,00 € la demi-journée · 120,00 € la journée" in room

    farm = cards(client.get("/lieux/ile-aux-fruits").get_data(as_text=True))
    plot = farm["parcelle-test"]
    assert "Espace test" in plot and "Porteurs de projet gratuit" in plot
    assert "Partenaires 5,00 € la journée, par unité" in farm["kit-jardinage"]


def test_unknown_inactive_and_retired_things_are_not_shown(client, demo):
    missing = client.get("/lieux/lieu-inconnu")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.get_data(as_text=True)
    assert '<html lang="fr"' in missing.get_data(as_text=True)

    lam = db.session.scalar(select(Venue).where(Venue.slug == "lam"))
    lam.is_active = False
    cnc = db.session.scalar(select(Resource).where(Resource.slug == "fraiseuse-cnc"))
    cnc.is_active = False
    db.session.commit()

    assert client.get("/lieux/lam").status_code == 404
    assert "/lieux/lam" not in client.get("/").get_data(as_text=True)
    machinerie = client.get("/lieux/la-machinerie").get_data(as_text=True)
    assert "Fraiseuse" not in machinerie and "Découpeuse laser" in machinerie


def test_a_resource_photo_is_shown_with_its_description(client, demo):
    laser = db.session.scalar(select(Resource).where(Resource.slug == "decoupeuse-laser"))
    db.session.add(
        ResourcePhoto(
            resource=laser,
            filename="laser-atelier.jpg",
            content_type="image/jpeg",
            alt_text="La découpeuse laser capot ouvert",
            width=1200,
            height=800,
            size_bytes=1000,
        )
    )
    db.session.commit()

    page = client.get("/lieux/la-machinerie").get_data(as_text=True)

    assert re.search(
        r'<img src="/photos/ressources/laser-atelier.jpg" alt="La découpeuse laser capot ouvert"\s+'
        r'width="240" height="160"',
        page,
    )


def test_theme_names_follow_the_chosen_language(client, demo):
    client.submit("/langue", {"locale": "en", "next": "/lieux/lam"}, page="/")

    page = text_of(client.get("/lieux/lam").get_data(as_text=True))

    assert "Creation in public space" in page and "Artistic experimentation" in page
    assert "Création dans l'espace public" not in page
