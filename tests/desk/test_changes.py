"""Changes to approved bookings on the desk: shown as a change (before and after, the price
difference, what the new period crosses), accepted or refused by a manager of the venue only."""

from __future__ import annotations

import re
from html import unescape

from app.bookings import service
from app.extensions import db
from app.models import Booking, BookingChange, BookingStatus, ChangeStatus
from tests.factories.desk import future_day, request
from tests.helpers import csrf_token_from, log_in, moment

DESK = "/gestion/demandes"


def _card(html: str, change_id: int) -> str:
    match = re.search(rf'<article id="change-{change_id}".*?</article>', html, re.S)
    assert match, f"no card for change {change_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def _changed_booking(world):
    day = future_day(10)
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    service.approve(booking, world.manager)
    change = service.edit_booking(booking, world.member, ends_at=moment(day, 14)).pending_change
    other = request(world.room, world.other_member, moment(day, 13), moment(day, 15))  # over the extension
    db.session.commit()
    return day, booking, change, other


def test_the_desk_shows_a_change_with_before_after_price_and_collisions_and_accepts_it(client, world):
    day, booking, change, other = _changed_booking(world)
    log_in(client, world.manager)
    html = client.get(DESK).get_data(as_text=True)
    card = _card(html, change.id)
    assert "Modification d'une réservation validée" in card and "Camille Martin" in card
    assert "Avant" in card and "10:00 – " in card and "12:00" in card and "14:00" in card
    assert "20,00 € → 40,00 € (+20,00 €)" in card
    assert "L'accepter refusera 1 demande" in card and "Dominique Petit" in card

    response = client.post(
        f"/gestion/modifications/{change.id}/accepter",
        data={"csrf_token": csrf_token_from(html), "note": "", "next": DESK},
        follow_redirects=True,
    )
    assert "Modification acceptée ; 1 demande en conflit a été refusée." in response.get_data(as_text=True)
    db.session.expire_all()
    booking, other = db.session.get(Booking, booking.id), db.session.get(Booking, other.id)
    assert (booking.status, booking.ends_at, booking.price_cents) == (BookingStatus.APPROVED, moment(day, 14), 4000)
    assert other.status == BookingStatus.REJECTED
    assert f'id="change-{change.id}"' not in response.get_data(as_text=True)


def test_refusing_a_change_needs_a_reason_and_another_venue_cannot_see_it(client, world):
    day, booking, change, _ = _changed_booking(world)
    log_in(client, world.other_manager)
    html = client.get(DESK).get_data(as_text=True)
    assert f'id="change-{change.id}"' not in html
    refused = client.post(f"/gestion/modifications/{change.id}/refuser", data={"csrf_token": csrf_token_from(html)})
    assert refused.status_code == 404

    log_in(client, world.manager)
    html = client.get(DESK).get_data(as_text=True)
    response = client.post(
        f"/gestion/modifications/{change.id}/refuser", data={"csrf_token": csrf_token_from(html), "note": ""}
    )
    assert response.status_code == 422 and "Indiquez" in _card(response.get_data(as_text=True), change.id)
    response = client.post(
        f"/gestion/modifications/{change.id}/refuser",
        data={"csrf_token": csrf_token_from(html), "note": "Salle prise l'après-midi"},
        follow_redirects=True,
    )
    assert "Modification refusée : la réservation reste telle qu'elle était" in unescape(
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(BookingChange, change.id).status == ChangeStatus.REFUSED
    assert db.session.get(Booking, booking.id).ends_at == moment(day, 12)
