"""The identity on the pages: logo mark, favicon, web app manifest; each venue's colour beside its name."""

from __future__ import annotations

import json
import re

from app.core.colours import VENUE_COLOURS, effective_colour, first_free
from app.demo.data import load_demo
from app.extensions import db
from app.models import Venue
from tests.factories.manage import build_consortium
from tests.helpers import log_in
from tests.manage.test_coordination import COORD, VENUE_FORM


def test_every_page_links_the_logo_the_favicon_and_the_manifest(client):
    page = client.get("/").get_data(as_text=True)
    manifest_url = re.search(r'<link rel="manifest" href="([^"]+)"', page).group(1)
    assert re.search(
        r'<a class="brand" href="/"><img class="brand-mark" src="/static/favicon\.[0-9a-f]+\.svg" alt=""', page
    )
    with client.get(manifest_url) as answer:
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("application/manifest+json")
        manifest = json.loads(answer.get_data())
    assert manifest["name"] == "FNT Partage" and manifest["lang"] == "fr" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.headers["Content-Type"].startswith("image/svg+xml")
            assert b"<title>FNT Partage</title>" in image.get_data()


def test_the_six_demo_venues_have_six_different_colours_shown_with_their_names(client):
    load_demo()
    db.session.commit()
    venues = db.session.scalars(db.select(Venue)).all()
    assert sorted(v.colour for v in venues) == sorted(VENUE_COLOURS)
    home = client.get("/").get_data(as_text=True)
    for venue in venues:
        # The card carries the colour, and the venue's name is the card's heading: never colour alone.
        assert re.search(rf'<li class="card venue-{venue.colour}">\s*<h3><a href="/lieux/{venue.slug}">', home)
    machinerie = next(v for v in venues if v.slug == "la-machinerie")
    resource = machinerie.resources[0]
    page = client.get(f"/ressources/{resource.id}").get_data(as_text=True)
    assert f'<article class="resource venue-{machinerie.colour}">' in page
    assert re.search(r'<a class="venue-tag" href="/lieux/la-machinerie">La Machinerie</a>', page)
    results = client.get("/ressources/?q=laser").get_data(as_text=True)
    assert f'<li class="card venue-{machinerie.colour}">' in results
    assert '<span class="venue-tag">La Machinerie</span>' in results


def test_a_venue_without_a_stored_colour_still_gets_one_of_the_six():
    assert effective_colour("", 1) == "brique" and effective_colour("", 7) == "brique"
    assert effective_colour("lagune", 1) == "lagune" and effective_colour("fuchsia", 2) == "ocre"


def test_a_new_venue_takes_a_colour_no_other_venue_has(client):
    world = build_consortium()
    taken = {v.colour_class.removeprefix("venue-") for v in db.session.scalars(db.select(Venue)).all()}
    log_in(client, world.coordinator)
    assert client.submit(f"{COORD}/lieux/nouveau", VENUE_FORM).status_code == 303
    created = db.session.scalar(db.select(Venue).where(Venue.slug == "l-ile-aux-fruits"))
    assert created.colour in VENUE_COLOURS and created.colour not in taken
    assert first_free(VENUE_COLOURS) == "brique"  # all six taken: the least used, the first


def test_the_planning_marks_its_venue_by_colour_and_by_name(client):
    world = build_consortium()
    world.venue.colour = "pre"
    db.session.commit()
    log_in(client, world.manager)
    page = client.get("/gestion/planning?lieu=la-machinerie").get_data(as_text=True)
    assert '<div id="planning" class="venue-pre">' in page
    assert '<span class="venue-tag">La Machinerie</span>' in page


def test_the_programme_marks_each_event_by_its_venues_colour_and_name(client):
    load_demo()
    colonel = db.session.scalar(db.select(Venue).where(Venue.slug == "maison-du-colonel"))
    page = client.get("/programme").get_data(as_text=True)
    assert f'<li class="card {colonel.colour_class}">' in page
    assert '<span class="venue-tag">La Maison du Colonel</span>' in page
