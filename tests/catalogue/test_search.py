"""The catalogue search (/ressources/) through the test client: filters, the query string round trip,
"what is free between these two moments" with the member's price, bad input (422, in French and in
English), the htmx partial, paging, and the links to it."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from app.extensions import db
from app.models import Booking, BookingStatus, ResourceKind
from tests.factories import make_resource
from tests.helpers import local, log_in, moment, text_of

# Every test searches the engine's consortium (the package's ``world``) with La Machinerie's FabLab theme.
pytestmark = pytest.mark.usefixtures("fablab_theme")

RESULTS = {"HX-Request": "true", "HX-Target": "resultats", "HX-Current-URL": "http://localhost/ressources/"}


def names(page: str) -> list[str]:
    """The resources listed, in order."""
    return [html.unescape(n) for n in re.findall(r'<h3><a href="/ressources/\d+[^"]*">([^<]+)</a></h3>', page)]


def search(client, headers=None, **args):
    return client.get("/ressources/?" + urlencode(args), headers=headers or {})


def test_without_filters_every_resource_in_service_is_listed_by_venue(client, world):
    world.kit.is_active = False
    db.session.commit()
    page = search(client).get_data(as_text=True)
    assert names(page) == ["Découpeuse laser", "Salle de réunion"]
    assert "2 ressources." in text_of(page)


def test_filters_by_venue_kind_theme_and_words(client, world):
    make_resource(world.other_venue, "atelier", "Atelier d'artistes", description="Grande verrière")
    db.session.commit()
    assert names(search(client, lieu="la-briqueterie").get_data(as_text=True)) == ["Atelier d'artistes"]
    assert names(search(client, type="kit").get_data(as_text=True)) == ["Kit vidéo"]
    assert names(search(client, theme="fablab").get_data(as_text=True)) == [
        "Découpeuse laser",
        "Kit vidéo",
        "Salle de réunion",
    ]
    assert names(search(client, q="verrière").get_data(as_text=True)) == ["Atelier d'artistes"]
    assert names(search(client, q="machinerie laser").get_data(as_text=True)) == ["Découpeuse laser"]
    assert names(search(client, q="100%_").get_data(as_text=True)) == []
    assert "Aucune ressource ne correspond à cette recherche." in search(client, q="zzz").get_data(as_text=True)


def test_the_form_shows_the_filters_of_the_url(client, world, monday):
    page = search(
        client,
        debut=local(monday, 10),
        fin=local(monday, 12),
        quantite="2",
        lieu="la-machinerie",
        type="space",
        theme="fablab",
        q="salle",
    ).get_data(as_text=True)
    assert f'value="{local(monday, 10)}"' in page and f'value="{local(monday, 12)}"' in page
    assert 'type="datetime-local"' in page
    assert re.search(r'<option selected value="la-machinerie">|<option value="la-machinerie" selected>', page)
    assert re.search(r'<option selected value="space">|<option value="space" selected>', page)
    assert re.search(r'<option selected value="fablab">|<option value="fablab" selected>', page)
    assert 'value="salle"' in page and 'name="quantite"' in page and 'value="2"' in page
    # A GET form: the search works without JavaScript, and htmx only replaces the results.
    assert re.search(r'<form method="get" action="/ressources/" role="search"', page)
    assert 'data-hx-trigger="submit, change, input delay:300ms from:input[type=search]"' in page
    assert 'data-hx-target="#resultats"' in page and 'data-hx-push-url="true"' in page


def test_what_is_free_between_two_moments(client, world, monday):
    db.session.add(
        Booking(
            resource=world.room,
            requester=world.member,
            starts_at=moment(monday, 11),
            ends_at=moment(monday, 12),
            holds_until=moment(monday, 12),
            status=BookingStatus.APPROVED,
        )
    )
    db.session.add(
        Booking(
            resource=world.laser,
            requester=world.member,
            starts_at=moment(monday, 10),
            ends_at=moment(monday, 11),
            holds_until=moment(monday, 11),
            status=BookingStatus.REQUESTED,
        )
    )
    db.session.add(
        Booking(
            resource=world.kit,
            requester=world.member,
            starts_at=moment(monday, 9),
            ends_at=moment(monday, 17),
            holds_until=moment(monday, 17),
            exclusive=False,
            quantity=2,
            status=BookingStatus.APPROVED,
        )
    )
    db.session.commit()

    page = search(client, debut=local(monday, 10), fin=local(monday, 12)).get_data(as_text=True)
    # The room is taken at 11:00; a pending request does not take the laser; one unit of the kit is left.
    assert names(page) == ["Découpeuse laser", "Kit vidéo"]
    assert "1 unité libre" in text_of(page)
    assert "2 ressources libres du" in text_of(page)
    assert names(
        search(client, debut=local(monday, 10), fin=local(monday, 12), quantite="2").get_data(as_text=True)
    ) == ["Découpeuse laser"]
    # Saturday: the venue is closed.
    saturday = monday + timedelta(days=5)
    assert names(search(client, debut=local(saturday, 10), fin=local(saturday, 12)).get_data(as_text=True)) == []


def test_visitors_see_the_tariffs_and_are_invited_to_log_in(client, world, monday):
    page = text_of(search(client, debut=local(monday, 10), fin=local(monday, 12), type="space").get_data(as_text=True))
    assert "Membres du consortium 10,00 € l'heure · 30,00 € la demi-journée · 50,00 € la journée" in page
    assert "Connectez-vous pour voir votre prix et réserver." in page


def test_a_member_sees_their_price_a_booking_link_and_why_not(client, world, monday):
    log_in(client, world.member)
    page = search(client, debut=local(monday, 10), fin=local(monday, 12)).get_data(as_text=True)
    text = text_of(page)
    room = text[text.index("Salle de réunion") :]
    assert "Votre prix pour ce créneau : 20,00 €" in room
    assert f'href="/ressources/{world.room.id}/reserver?debut={local(monday, 10)}&amp;fin={local(monday, 12)}"' in page
    laser = text[text.index("Découpeuse laser") : text.index("Kit vidéo")]
    assert "Vous ne pouvez pas réserver ce créneau :" in laser and "habilitation" in laser
    kit = text[text.index("Kit vidéo") :]
    assert "Caution : 200,00 €." in kit
    kit_page = search(client, debut=local(monday, 10), fin=local(monday, 12), quantite="2", type="kit")
    assert "quantite=2" in kit_page.get_data(as_text=True)
    assert "Caution : 400,00 €." in text_of(kit_page.get_data(as_text=True))


def test_an_outsider_pays_the_external_price(client, world, monday):
    log_in(client, world.outsider)
    text = text_of(search(client, debut=local(monday, 10), fin=local(monday, 12), type="kit").get_data(as_text=True))
    assert "Votre prix pour ce créneau : gratuit" in text  # the kit has no tariff


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"debut": "2026-12-01T12:00", "fin": "2026-12-01T10:00"}, "fin", "La fin doit suivre le début."),
        ({"debut": "demain matin", "fin": "2026-12-01T10:00"}, "debut", "Date et heure illisibles"),
        ({"debut": "2026-12-01T10:00"}, "fin", "Indiquez aussi la fin."),
        # Years the service does not work with (the year 1 once crashed the time-zone conversion).
        ({"debut": "0001-01-01T00:00", "fin": "2026-12-01T10:00"}, "debut", "Choisissez une date entre le"),
        ({"debut": "2026-12-01T10:00", "fin": "9999-12-31T18:00"}, "fin", "Choisissez une date entre le"),
        (
            {"debut": "2026-12-01T10:00", "fin": "2026-12-01T12:00", "quantite": "deux"},
            "quantite",
            "Indiquez un nombre d'unités entier, 1 ou plus.",
        ),
    ],
)
def test_bad_input_is_explained_next_to_its_field(client, world, args, field, message):
    response = search(client, **args)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error"[^>]*>([^<]+)</p>', page)
    assert error and message in html.unescape(error.group(1))
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', page)
    assert names(page) == []

    partial = search(client, headers=RESULTS, **args)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 422
    assert "<html" not in body
    # Only the messages come back: the fields being typed in are never replaced.
    assert f'id="{field}-error" aria-live="polite" data-hx-swap-oob="true">' in body and message in html.unescape(body)
    assert "<input" not in body
    assert 'id="search-status" data-hx-swap-oob="innerHTML"' in body


def test_bad_input_in_english(client, world):
    client.submit("/langue", {"locale": "en", "next": "/"}, page="/")
    response = search(client, headers=RESULTS, debut="2026-12-01T12:00", fin="2026-12-01T10:00")
    assert response.status_code == 422
    assert "The end must come after the start." in html.unescape(response.get_data(as_text=True))
    response = search(client, debut="tomorrow", fin="2026-12-01T10:00")
    assert "Unreadable date and time" in response.get_data(as_text=True)


def test_the_htmx_partial_holds_the_results_and_clears_the_errors(client, world, monday):
    response = search(client, headers=RESULTS, debut=local(monday, 10), fin=local(monday, 12), type="space")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body
    assert names(body) == ["Salle de réunion"]
    assert (
        '<p class="error" id="fin-error" aria-live="polite" data-hx-swap-oob="true"></p>' in body
        and "has-error" not in body
    )
    # A boosted navigation or a history restore gets the whole page.
    for headers in (
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ):
        assert "<html" in search(client, headers=headers, type="space").get_data(as_text=True)


def test_results_come_a_page_at_a_time_and_the_pages_keep_the_filters(client, world):
    for number in range(25):
        make_resource(world.venue, f"box-{number:02d}", f"Box {number:02d}", kind=ResourceKind.SPACE)
    db.session.commit()
    first = search(client, type="space").get_data(as_text=True)
    assert len(names(first)) == 20
    assert "26 ressources." in text_of(first)
    following = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    assert "type=space" in following and "page=2" in following
    second = client.get(following).get_data(as_text=True)
    assert names(second) == ["Box 20", "Box 21", "Box 22", "Box 23", "Box 24", "Salle de réunion"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_home_page_and_the_menu_lead_to_the_search(client, world):
    page = client.get("/").get_data(as_text=True)
    assert page.count('href="/ressources/"') >= 2  # the menu and the home page
    assert client.get("/ressources/").status_code == 200


def test_who_cannot_book_sees_why_and_no_price(client, world, monday):
    log_in(client, world.outsider)  # the laser is for members who hold its training; the room for the consortium
    text = text_of(search(client, debut=local(monday, 10), fin=local(monday, 12)).get_data(as_text=True))
    laser = text[text.index("Découpeuse laser") : text.index("Kit vidéo")]
    assert "Vous ne pouvez pas réserver ce créneau :" in laser and "habilitation" in laser
    assert "Votre prix" not in laser and "gratuit" not in laser
    room = text[text.index("Salle de réunion") :]
    assert "Vous ne pouvez pas réserver ce créneau :" in room and "réservée aux membres du consortium" in room
    assert "Votre prix" not in room
    kit = text[text.index("Kit vidéo") : text.index("Salle de réunion")]
    assert "Votre prix pour ce créneau : gratuit" in kit  # which the outsider can book
