"""The planning (/gestion/planning) through the test client: day and week views of a venue's
resources with names and purposes, htmx partials and their URLs, kits to hand over and to take
back today with their checklist, overdue returns, and every role's refusals."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.bookings import service
from app.core.clock import paris_today, utcnow
from app.desk import planning as plan_rules
from app.extensions import db
from app.models import Booking, BookingStatus, KitCheck, KitCheckKind
from tests.factories.desk import future_day, request
from tests.helpers import HTMX, csrf_token_from, fragment, log_in, moment, status_of

PLANNING = "/gestion/planning"


def approved(resource, who, starts_at, ends_at, **kwargs) -> Booking:
    booking = request(resource, who, starts_at, ends_at, **kwargs)
    service.approve(booking, _manager_of(resource), "", now=starts_at - timedelta(days=1))
    db.session.commit()
    return booking


def _manager_of(resource):
    from app.models import User, VenueMembership, VenueRole

    return db.session.scalar(
        select(User)
        .join(VenueMembership)
        .where(VenueMembership.venue_id == resource.venue_id, VenueMembership.role == VenueRole.MANAGER)
    )


def kit_checks() -> int:
    return db.session.scalar(select(func.count()).select_from(KitCheck))


def now_slot() -> datetime:
    """The current half hour (UTC), so that "today" bookings can start before now."""
    now = utcnow().replace(second=0, microsecond=0)
    return now - timedelta(minutes=now.minute % 30)


# --- Who may come ---------------------------------------------------------------------------------


def test_refusals_for_anonymous_members_and_other_venues(client, world):
    response = client.get(PLANNING)
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]
    response = client.get(PLANNING, headers={**HTMX, "HX-Target": "planning"})
    assert response.status_code == 401 and "HX-Redirect" in response.headers
    log_in(client, world.member)
    assert client.get(PLANNING).status_code == 403
    client.logout()
    log_in(client, world.manager)
    assert client.get(f"{PLANNING}?lieu=la-briqueterie").status_code == 404


# --- Day and week ---------------------------------------------------------------------------------


def test_the_day_view_shows_every_resource_with_names_and_purposes(client, world):
    day = paris_today() + timedelta(days=3)
    booking = approved(world.room, world.member, moment(day, 10), moment(day, 12), purpose="Assemblée générale")
    pending = request(world.studio, world.other_member, moment(day, 14), moment(day, 15), purpose="Enregistrement")
    elsewhere = request(world.other_room, world.member, moment(day, 10), moment(day, 12), purpose="Secret d'ailleurs")
    log_in(client, world.manager)
    response = client.get(f"{PLANNING}?jour={day.isoformat()}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Salle de réunion",
        "Studio son",
        "Kit vidéo",
        "Assemblée générale",
        "Camille Martin",
        "Les Jardins Partagés",
        "validée",
        "Enregistrement",
        "en attente",
        "Dominique Petit",
    ):
        assert text in html, text
    assert "Secret d" not in html
    assert f"/reservations/{booking.id}" in html and f"/reservations/{pending.id}" in html
    previous, following = (day - timedelta(days=1)).isoformat(), (day + timedelta(days=1)).isoformat()
    assert f'data-hx-get="/gestion/planning?lieu=la-machinerie&amp;jour={previous}"' in html
    assert f'href="/gestion/planning?lieu=la-machinerie&amp;jour={following}"' in html
    assert 'data-hx-push-url="true"' in html and 'data-hx-target="#planning"' in html
    assert elsewhere.id  # only the other venue's manager sees it


def test_the_week_view_and_the_partial_for_htmx(client, world):
    monday = paris_today() + timedelta(days=14 - paris_today().weekday())
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    thursday = monday + timedelta(days=3)
    approved(world.studio, world.member, moment(thursday, 9), moment(thursday, 11), purpose="Podcast")
    log_in(client, world.manager)
    response = client.get(f"{PLANNING}?semaine={week}", headers={**HTMX, "HX-Target": "planning"})
    html = fragment(response)
    assert html.lstrip().startswith('<div id="planning"')
    assert html.count('class="planning-day"') == 7 and "Podcast" in html
    assert "Semaine précédente" in html and "Semaine suivante" in html
    previous = monday - timedelta(days=7)
    assert f"semaine={previous.isocalendar().year}-W{previous.isocalendar().week:02d}" in html
    # A full page for boosted navigation and without JavaScript.
    page = client.get(f"{PLANNING}?semaine={week}").get_data(as_text=True)
    assert "<html" in page and "Kits aujourd" in page and "Podcast" in page
    # What cannot be read falls back to today.
    assert client.get(f"{PLANNING}?jour=2026-13-45").status_code == 200
    assert client.get(f"{PLANNING}?semaine=n-importe").status_code == 200


def test_a_coordinator_chooses_the_venue(client, world):
    day = paris_today() + timedelta(days=2)
    request(world.other_room, world.member, moment(day, 10), moment(day, 12), purpose="Atelier céramique")
    log_in(client, world.coordinator)
    html = client.get(f"{PLANNING}?lieu=la-briqueterie&jour={day.isoformat()}").get_data(as_text=True)
    assert "Planning de La Briqueterie" in html and "Atelier céramique" in html
    assert 'name="lieu"' in html


# --- Kits -----------------------------------------------------------------------------------------


def test_hand_over_a_kit_with_its_checklist_and_deposit(client, world):
    start = now_slot()
    booking = approved(world.kit, world.member, start, start + timedelta(days=2), quantity=2)
    log_in(client, world.manager)
    html = client.get(PLANNING).get_data(as_text=True)
    kits = html[html.index('id="kits-title"') : html.index('id="planning"')]
    assert "Kit vidéo" in kits and f"/gestion/planning/remise/{booking.id}" in kits and "Camille Martin" in kits
    form = client.get(f"{PLANNING}/remise/{booking.id}").get_data(as_text=True)
    for item in ("Caméra", "Trépied", "Micro"):
        assert item in form
    assert 'value="400,00"' in form  # the deposit quoted: two units
    response = client.post(
        f"{PLANNING}/remise/{booking.id}",
        data={
            "csrf_token": csrf_token_from(form),
            "present": ["0", "1"],
            "condition_notes": "Micro déjà manquant",
            "deposit": "400",
            "commune": "Amiens",
        },
    )
    assert response.status_code == 303
    assert status_of(booking) == BookingStatus.HANDED_OVER
    check = db.session.scalar(select(KitCheck).where(KitCheck.booking_id == booking.id))
    assert check.kind == KitCheckKind.HANDOVER and check.deposit_cents == 40000
    assert check.checklist == [
        {"item": "Caméra", "present": True},
        {"item": "Trépied", "present": True},
        {"item": "Micro", "present": False},
    ]
    assert "est remis à Camille Martin" in client.get(PLANNING).get_data(as_text=True)


def test_a_wrong_deposit_writes_nothing_and_comes_back_filled(client, world):
    start = now_slot()
    booking = approved(world.kit, world.member, start, start + timedelta(days=1))
    log_in(client, world.manager)
    form = client.get(f"{PLANNING}/remise/{booking.id}").get_data(as_text=True)
    response = client.post(
        f"{PLANNING}/remise/{booking.id}",
        data={
            "csrf_token": csrf_token_from(form),
            "present": ["0"],
            "condition_notes": "Rayure",
            "deposit": "beaucoup",
            "commune": "Amiens",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in html and "Rayure" in html
    assert re.search(r'name="present" value="1"\s*>', html)  # unticked stays unticked
    assert status_of(booking) == BookingStatus.APPROVED and kit_checks() == 0


def _handed_over(world, starts_at, ends_at):
    booking = approved(world.kit, world.member, starts_at, ends_at)
    service.hand_over(booking, world.manager, checklist={"Caméra": True, "Trépied": True, "Micro": True}, now=starts_at)
    db.session.commit()
    return booking


def test_return_a_kit_needs_a_note_for_what_is_missing(client, world):
    start = now_slot() - timedelta(days=1)
    booking = _handed_over(world, start, now_slot() + timedelta(days=1))
    log_in(client, world.manager)
    form = client.get(f"{PLANNING}/retour/{booking.id}").get_data(as_text=True)
    assert 'value="200,00"' in form
    data = {"csrf_token": csrf_token_from(form), "present": ["0", "1"], "condition_notes": "", "deposit": "200"}
    response = client.post(f"{PLANNING}/retour/{booking.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Décrivez ce qui manque" in html
    assert status_of(booking) == BookingStatus.HANDED_OVER and kit_checks() == 1
    response = client.post(
        f"{PLANNING}/retour/{booking.id}", data={**data, "condition_notes": "Micro perdu", "deposit": "150"}
    )
    assert response.status_code == 303 and status_of(booking) == BookingStatus.RETURNED
    check = db.session.scalar(select(KitCheck).where(KitCheck.kind == KitCheckKind.RETURN))
    assert check.deposit_cents == 15000 and check.condition_notes == "Micro perdu"


def test_overdue_returns_are_listed_in_words(client, world):
    start = now_slot() - timedelta(days=3)
    late = _handed_over(world, start, start + timedelta(days=1))
    assert plan_rules.overdue([world.venue.id], utcnow()) == [late]
    log_in(client, world.manager)
    html = client.get(PLANNING).get_data(as_text=True)
    kits = html[html.index('id="kits-title"') : html.index('id="planning"')]
    assert "En retard :" in kits and f"/gestion/planning/retour/{late.id}" in kits
    assert "Aucun retour en retard." not in kits
    # The other venue's manager neither sees it nor records its return.
    client.logout()
    log_in(client, world.other_manager)
    assert client.get(f"{PLANNING}/retour/{late.id}").status_code == 404
    assert client.get(PLANNING).get_data(as_text=True).count("En retard :") == 0


def test_to_take_back_today(app, world):
    day = future_day(10)
    noon = moment(day, 12)  # the rules take the moment: noon that day, whatever the hour of the run
    booking = _handed_over(world, moment(day - timedelta(days=1), 10), moment(day, 17))
    assert plan_rules.to_take_back([world.venue.id], noon) == [booking]
    assert plan_rules.overdue([world.venue.id], noon) == []
    assert plan_rules.to_take_back([world.venue.id], noon - timedelta(days=1)) == []  # not the day before
    assert plan_rules.overdue([world.venue.id], moment(day, 18)) == [booking]  # late once its end has passed


def test_kit_pages_refuse_members_other_venues_and_spaces(client, world):
    start = now_slot()
    kit = approved(world.kit, world.member, start, start + timedelta(days=1))
    tomorrow = future_day(1)  # whole hours of one day: the rooms' opening hours end at midnight
    room = approved(world.room, world.member, moment(tomorrow, 10), moment(tomorrow, 11))
    log_in(client, world.member)
    assert client.get(f"{PLANNING}/remise/{kit.id}").status_code == 403
    client.logout()
    log_in(client, world.other_manager)
    assert client.get(f"{PLANNING}/remise/{kit.id}").status_code == 404
    client.logout()
    log_in(client, world.manager)
    assert client.get(f"{PLANNING}/remise/{room.id}").status_code == 404
    assert client.get(f"{PLANNING}/retour/{kit.id}").status_code == 200  # the engine says no on POST
    form = client.get(f"{PLANNING}/retour/{kit.id}").get_data(as_text=True)
    response = client.post(
        f"{PLANNING}/retour/{kit.id}",
        data={"csrf_token": csrf_token_from(form), "present": ["0", "1", "2"], "deposit": "200"},
    )
    assert response.status_code == 422 and status_of(kit) == BookingStatus.APPROVED and kit_checks() == 0


def test_the_planning_in_english(client, world):
    log_in(client, world.manager)
    page = client.get(PLANNING).get_data(as_text=True)
    client.post("/langue", data={"csrf_token": csrf_token_from(page), "locale": "en", "next": PLANNING})
    html = client.get(PLANNING).get_data(as_text=True)
    assert "Planning of La Machinerie" in html and "Kits today" in html and "Next day" in html


# --- Issue 13: kits ---------------------------------------------------------------------------------


def test_the_checklist_follows_the_quantity_lent(client, world):
    start = now_slot()
    booking = approved(world.kit, world.member, start, start + timedelta(days=1), quantity=3)
    log_in(client, world.manager)
    form = client.get(f"{PLANNING}/remise/{booking.id}").get_data(as_text=True)
    for item in ("Caméra", "Trépied", "Micro"):
        assert f"3 × {item}" in form
    single = approved(world.kit, world.other_member, start + timedelta(days=2), start + timedelta(days=3))
    form = client.get(f"{PLANNING}/remise/{single.id}").get_data(as_text=True)
    assert "Caméra" in form and "× Caméra" not in form


def test_a_kit_is_handed_over_no_earlier_than_the_day_before(app, client, world):
    start = now_slot() + timedelta(days=14)
    booking = approved(world.kit, world.member, start, start + timedelta(days=1))
    log_in(client, world.manager)
    form = client.get(f"{PLANNING}/remise/{booking.id}").get_data(as_text=True)
    response = client.post(
        f"{PLANNING}/remise/{booking.id}",
        data={"csrf_token": csrf_token_from(form), "present": ["0", "1", "2"], "deposit": "200", "commune": "Amiens"},
    )
    assert response.status_code == 422
    assert "La remise du kit est possible au plus tôt 24 h avant le début du prêt" in response.get_data(as_text=True)
    assert status_of(booking) == BookingStatus.APPROVED and kit_checks() == 0
    everything = {"Caméra": True, "Trépied": True, "Micro": True}
    with pytest.raises(service.Refusal):
        service.hand_over(booking, world.manager, checklist=everything, now=start - timedelta(hours=25))
    db.session.rollback()
    app.config["KIT_HANDOVER_EARLIEST_HOURS"] = 48
    service.hand_over(booking, world.manager, checklist=everything, now=start - timedelta(hours=47))
    assert booking.status == BookingStatus.HANDED_OVER
    db.session.rollback()
    app.config["KIT_HANDOVER_EARLIEST_HOURS"] = 24
    service.hand_over(booking, world.manager, checklist=everything, now=start - timedelta(hours=23))
    assert booking.status == BookingStatus.HANDED_OVER


# --- Issue 13: closed times are not "Libre" ---------------------------------------------------------


def _row_of(html: str, name: str) -> str:
    start = html.index(f'<th scope="row">{name}')
    return html[start : html.index("</tr>", start)]


def test_closed_days_show_closed_in_the_planning(client, world):
    from markupsafe import escape

    from app.bookings.hours import public_holidays
    from app.models import Closure, OpeningHours, VenueHolidayOpening

    today = paris_today()
    # This venue keeps the public holidays closed (the desk's venues open on them otherwise).
    for opening in db.session.scalars(
        select(VenueHolidayOpening).where(VenueHolidayOpening.venue_id == world.venue.id)
    ):
        db.session.delete(opening)
    closure_day = today + timedelta(days=3)
    db.session.add(
        Closure(
            venue_id=world.venue.id,
            starts_at=moment(closure_day, 0),
            ends_at=moment(closure_day + timedelta(days=1), 0),
            reason="Inventaire",
        )
    )
    closed_weekday = (today + timedelta(days=4)).weekday()
    for row in db.session.scalars(
        select(OpeningHours).where(OpeningHours.venue_id == world.venue.id, OpeningHours.weekday == closed_weekday)
    ):
        db.session.delete(row)
    db.session.commit()
    log_in(client, world.manager)
    html = client.get(f"{PLANNING}?jour={closure_day.isoformat()}").get_data(as_text=True)
    assert "Fermé" in _row_of(html, "Salle de réunion") and "Inventaire" in _row_of(html, "Salle de réunion")
    assert "Libre" not in _row_of(html, "Salle de réunion")
    day_off = today + timedelta(days=4)
    html = client.get(f"{PLANNING}?jour={day_off.isoformat()}").get_data(as_text=True)
    assert "Fermé" in _row_of(html, "Studio son") and "Libre" not in _row_of(html, "Studio son")
    found = public_holidays(today + timedelta(days=1), today + timedelta(days=400))
    holiday = min(day for day in found if day.weekday() != closed_weekday)
    html = client.get(f"{PLANNING}?jour={holiday.isoformat()}").get_data(as_text=True)
    row = _row_of(html, "Salle de réunion")
    assert "Fermé" in row and escape(f"{found[holiday]} (jour férié)") in row and "Libre" not in row
    # An ordinary day stays "Libre".
    ordinary = next(
        today + timedelta(days=n)
        for n in range(5, 20)
        if (today + timedelta(days=n)).weekday() != closed_weekday and today + timedelta(days=n) not in found
    )
    html = client.get(f"{PLANNING}?jour={ordinary.isoformat()}").get_data(as_text=True)
    assert "Libre" in _row_of(html, "Salle de réunion")


def test_the_hand_over_asks_where_the_kit_goes(client, world):
    start = now_slot()
    booking = approved(world.kit, world.member, start, start + timedelta(days=1))
    log_in(client, world.manager)
    form = client.get(f"{PLANNING}/remise/{booking.id}").get_data(as_text=True)
    assert 'name="commune"' in form and 'name="partner"' in form
    data = {"csrf_token": csrf_token_from(form), "present": ["0", "1", "2"], "deposit": "200"}
    response = client.post(f"{PLANNING}/remise/{booking.id}", data=data)
    assert response.status_code == 422 and "Indiquez la commune où le kit est utilisé." in response.get_data(
        as_text=True
    )
    assert kit_checks() == 0
    response = client.post(
        f"{PLANNING}/remise/{booking.id}",
        data={**data, "commune": " Poix-de-Picardie ", "partner": "Collège Jules Ferry"},
    )
    assert response.status_code == 303
    check = db.session.scalar(select(KitCheck).where(KitCheck.booking_id == booking.id))
    assert (check.commune, check.partner) == ("Poix-de-Picardie", "Collège Jules Ferry")
