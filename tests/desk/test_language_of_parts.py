"""Language of parts on the staff's and the members' own pages (issue 15, WCAG 3.1.2): on English
pages, the desk's rows, "Mes réservations" and the management pages mark the French content
(resource and venue names, purposes) ``lang="fr"``; in French nothing is marked."""

from __future__ import annotations

from tests.catalogue.test_language_of_parts import _choose_english
from tests.factories.desk import future_day, request
from tests.helpers import log_in, moment


def _body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True).split("<body", 1)[1]


def test_french_content_is_marked_on_the_desk_my_bookings_and_management_pages(client, world):
    day = future_day(10)
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12), purpose="Atelier couture")
    room, venue = world.room.name, world.room.venue.name

    log_in(client, world.manager)
    assert '<span lang="fr">' not in _body(client, "/gestion/demandes")  # French page: nothing to mark
    _choose_english(client)
    desk = _body(client, "/gestion/demandes")
    row = desk.split(f'<article id="booking-{booking.id}"', 1)[1].split("</article>", 1)[0]
    assert f'<span lang="fr">{room}</span></a>' in row and f'<span lang="fr">{venue}</span>' in row
    assert '<dd><span lang="fr">Atelier couture</span></dd>' in row
    management = _body(client, "/gestion/")
    assert f'<span lang="fr">{venue}</span>' in management
    resources = _body(client, f"/gestion/lieux/{world.room.venue.slug}/ressources")
    assert f'<span lang="fr">{room}</span>' in resources
    client.logout()

    log_in(client, world.member)
    _choose_english(client)
    mine = _body(client, "/reservations/")
    assert f'<span lang="fr">{room}</span></a>' in mine and f'<span lang="fr">{venue}</span>' in mine
