"""A venue's colour, chosen by its managers (/gestion/lieux/<slug>/couleur): one of the six, or one of
its own written in hexadecimal whose contrast passes against both schemes' backgrounds and for text
set on it; a bad one comes back with its error next to the field and nothing saved. The colour of
its own reaches every page through /couleurs-des-lieux.css (the CSP allows no inline style)."""

from __future__ import annotations

import pytest

from app.core.contrast import check_venue_colour, contrast, normalised
from app.extensions import db
from app.models import VenueRole
from tests.factories import add_membership, make_user, make_venue
from tests.helpers import csrf_token_from, log_in, text_of


@pytest.fixture()
def venue(client):
    venue = make_venue()
    manager = make_user("gestion@test.example", "Gestionnaire")
    add_membership(manager, venue, VenueRole.MANAGER)
    db.session.commit()
    log_in(client, manager)
    return venue


def _post(client, venue, **data):
    url = f"/gestion/lieux/{venue.slug}/couleur"
    form = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token_from(form), **data})


def test_the_check_reads_hex_and_computes_both_contrasts():
    assert normalised("C0392B") == "#c0392b" and normalised("#abc") == "#aabbcc" and normalised("rouge") is None
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert check_venue_colour("#c0392b").ok and check_venue_colour("#2a9d8f").ink == "#17191c"
    assert not check_venue_colour("#3446a3").marks_ok  # lost on the dark background
    assert not check_venue_colour("#ffcc00").marks_ok  # lost on the light one


def test_a_manager_picks_one_of_the_six_or_a_colour_of_their_own(client, venue):
    response = _post(client, venue, choice="lagune", custom="")
    assert response.status_code == 303
    db.session.refresh(venue)
    assert venue.colour == "lagune" and venue.colour_class == "venue-lagune"
    assert _post(client, venue, choice="custom", custom="C0392B").status_code == 303
    db.session.refresh(venue)
    assert venue.colour == "#c0392b" and venue.colour_class == f"venue-c{venue.id}"
    css = client.get("/couleurs-des-lieux.css")
    assert css.headers["Content-Type"].startswith("text/css")
    assert f".venue-c{venue.id} {{ --venue: #c0392b; --venue-ink: #ffffff; }}" in css.get_data(as_text=True)
    assert client.get("/couleurs-des-lieux.css", headers={"If-None-Match": css.headers["ETag"]}).status_code == 304
    page = client.get(f"/lieux/{venue.slug}").get_data(as_text=True)
    assert f'class="venue venue-c{venue.id}"' in page and 'href="/couleurs-des-lieux.css"' in page


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("rouge", "Écrivez la couleur en hexadécimal, par exemple #c0392b."),
        ("#3446a3", "Cette couleur ne ressort pas assez : 8,1:1 sur le fond clair, 2,13:1 sur le fond sombre"),
        (
            "#3d7fb0",
            "Un texte posé sur cette couleur serait trop peu lisible : 4,32:1 au mieux ; il faut au moins 4,5:1.",
        ),
    ],
)
def test_a_colour_that_does_not_pass_comes_back_with_its_error_by_the_field(client, venue, custom, message):
    response = _post(client, venue, choice="custom", custom=custom)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="custom" ' in html and 'aria-invalid="true"' in html and f'value="{custom}"' in html
    error = html[html.index('id="custom-error"') :]
    assert message in text_of(error[: error.index("</p>")])
    assert 'href="#custom"' in html  # and in the error summary
    db.session.refresh(venue)
    assert venue.colour == ""


def test_other_venues_managers_and_members_are_refused(client, venue):
    other = make_venue("la-briqueterie", "La Briqueterie")
    db.session.commit()
    assert client.get(f"/gestion/lieux/{other.slug}/couleur").status_code == 404
