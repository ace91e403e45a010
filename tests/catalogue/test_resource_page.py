"""A resource's page through the test client: what it says, its week and month calendar (full page and
htmx partial, history restore), who sees whose bookings, qualifications, refusals, and English.

Moments come from the real clock (the view uses it): a Monday 8 to 14 days ahead, in the opening
hours (Monday to Friday, 9:00-18:00) of the engine's small consortium (``tests/factories/bookings.py``).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.catalogue.calendar import iso_week
from app.extensions import db
from app.models import Booking, BookingStatus, Qualification
from tests.factories.bookings import World
from tests.helpers import log_in, moment, text_of

CALENDAR = {"HX-Request": "true", "HX-Target": "calendrier", "HX-Current-URL": "http://localhost/"}
FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def book(world: World, who, day: date, start: int, end: int, status=BookingStatus.APPROVED, purpose="", resource=None):
    resource = resource or world.room
    booking = Booking(
        resource=resource,
        requester=who,
        starts_at=moment(day, start),
        ends_at=moment(day, end),
        holds_until=moment(day, end) + timedelta(minutes=resource.buffer_minutes),
        exclusive=resource.is_exclusive,
        status=status,
        purpose=purpose,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def calendar_table(page: str) -> str:
    return re.search(r'<table class="calendar[^"]*">.*?</table>', page, re.S).group(0)


def week_url(world: World, day: date) -> str:
    return f"/ressources/{world.room.id}?semaine={iso_week(day)}"


def test_the_page_tells_what_the_resource_is_and_how_to_book_it(client, world):
    page = client.get(f"/ressources/{world.room.id}").get_data(as_text=True)
    text = text_of(page)

    assert "<h1>Salle de réunion</h1>" in page
    assert "Espace · La Machinerie" in text
    assert "Capacité : 12 personnes." in text
    assert "Lundi – Vendredi : 09:00–18:00" in text
    assert "Durée : de 1 h à 8 h." in text
    assert "Réservations par tranches de 30 min." in text
    assert "Membres du consortium 10,00 € l'heure · 30,00 € la demi-journée · 50,00 € la journée" in text
    assert "Extérieurs" not in text  # the room is open to the consortium only
    assert "1 rue de Test, 80000 Amiens" in text
    assert 'href="/lieux/la-machinerie"' in page
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page


def test_a_kit_page_shows_units_deposit_contents_and_units_free_per_slot(client, world, monday):
    book(world, world.member, monday, 9, 12, resource=world.kit)
    page = client.get(f"/ressources/{world.kit.id}?semaine={iso_week(monday)}").get_data(as_text=True)
    text = text_of(page)
    assert "Unités : 3 unités." in text
    assert "Caution : 200,00 € par unité." in text
    assert "Caméra" in text and "Trépied" in text
    # The kit's rows are hourly; at 9:00 on that Monday two units remain.
    assert (
        f"Réserver {FRENCH_DAYS[0]} {monday.day} {FRENCH_MONTHS[monday.month - 1]} de 9 h à 10 h (2 unités libres)"
        in text
    )
    assert (
        f"Réserver {FRENCH_DAYS[0]} {monday.day} {FRENCH_MONTHS[monday.month - 1]} de 12 h à 13 h (3 unités libres)"
        in text
    )


def test_free_slots_link_to_the_booking_form_with_an_accessible_name(client, world, monday):
    page = client.get(week_url(world, monday)).get_data(as_text=True)
    table = calendar_table(page)
    tuesday = monday + timedelta(days=1)
    link = (
        f'href="/ressources/{world.room.id}/reserver?debut={tuesday:%Y-%m-%d}T10:00&amp;fin={tuesday:%Y-%m-%d}T11:00"'
    )
    assert link in table
    name = f"Réserver mardi {tuesday.day} {FRENCH_MONTHS[tuesday.month - 1]} de 10 h à 11 h"
    assert name in text_of(table)
    # Every cell says something in words; Saturdays and Sundays are closed.
    # (a block of several rows, such as a closed day, is one cell spanning them: issue 22).
    cells = re.findall(r"<td class=\"slot [a-z_]+ gc-\d gr-\d+ gh-\d+\"(?: rowspan=\"(\d+)\")?>(.*?)</td>", table, re.S)
    assert sum(int(span or 1) for span, _ in cells) == 9 * 7 and all(text_of(cell) for _, cell in cells)
    assert "Fermé 9 h à 18 h" in text_of(table)  # Saturday and Sunday: one closed block each
    assert text_of(table).count("Fermé 9 h à 18 h") >= 2  # (and a public holiday, some weeks)


def test_week_navigation_links_are_htmx_with_plain_hrefs(client, world, monday):
    page = client.get(week_url(world, monday)).get_data(as_text=True)
    following = iso_week(monday + timedelta(days=7))
    assert re.search(
        rf'<a id="cal-next" href="/ressources/{world.room.id}\?semaine={following}" '
        rf'data-hx-get="/ressources/{world.room.id}\?semaine={following}" data-hx-target="#calendrier" data-hx-push-url="true">'
        r"Semaine suivante</a>",
        page,
    )
    assert f'href="/ressources/{world.room.id}?semaine={iso_week(monday - timedelta(days=7))}"' in page
    assert f'href="/ressources/{world.room.id}?mois={monday:%Y-%m}"' in page


def test_a_week_or_month_change_is_read_out_once_by_the_live_region(client, world, monday):
    page = client.get(week_url(world, monday)).get_data(as_text=True)
    # The page's polite live region, outside the swapped calendar, empty on arrival.
    assert '<p id="cal-status" class="visually-hidden" role="status"></p>' in page
    assert page.index('id="cal-status"') < page.index('<div id="calendrier">')
    # A move by the calendar's own links (htmx names the link in HX-Trigger): the new week, out of band.
    following = monday + timedelta(days=7)
    body = client.get(week_url(world, following), headers={**CALENDAR, "HX-Trigger": "cal-next"}).get_data(as_text=True)
    status = re.search(r'<p id="cal-status" data-hx-swap-oob="innerHTML">(.*?)</p>', body, re.S)
    sunday = following + timedelta(days=6)
    assert status and text_of(status.group(1)).startswith(f"Semaine du lundi {following.day} ")
    assert f"dimanche {sunday.day} " in text_of(status.group(1)) and body.count('id="cal-status"') == 1
    # To the month: "Juin 2027".
    month = f"{monday:%Y-%m}"
    url = f"/ressources/{world.room.id}?mois={month}"
    body = client.get(url, headers={**CALENDAR, "HX-Trigger": "cal-switch"}).get_data(as_text=True)
    status = re.search(r'<p id="cal-status" data-hx-swap-oob="innerHTML">(.*?)</p>', body, re.S)
    assert status and text_of(status.group(1)) == f"{FRENCH_MONTHS[monday.month - 1].capitalize()} {monday.year}"
    # A day link of the month (the focus goes to the new week's calendar, named by its caption, which
    # says it): nothing more in the live region.
    body = client.get(week_url(world, monday), headers={**CALENDAR, "HX-Trigger": ""}).get_data(as_text=True)
    assert 'id="cal-status"' not in body


def test_htmx_gets_the_calendar_alone_and_a_history_restore_the_whole_page(client, world, monday):
    partial = client.get(week_url(world, monday), headers=CALENDAR)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert "<html" not in body and "<h1>" not in body
    assert body.lstrip().startswith('<nav class="cal-nav"')
    sunday = monday + timedelta(days=6)
    assert f"semaine du lundi {monday.day} " in text_of(body) and f"dimanche {sunday.day} " in text_of(body)
    assert "HX-Request" in partial.headers.get("Vary", "")

    restored = client.get(week_url(world, monday), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.get_data(as_text=True)
    boosted = client.get(week_url(world, monday), headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_the_month_view_full_and_partial(client, world, monday):
    url = f"/ressources/{world.room.id}?mois={monday:%Y-%m}"
    page = client.get(url).get_data(as_text=True)
    month = FRENCH_MONTHS[monday.month - 1]
    assert f"Disponibilités de Salle de réunion en {month} {monday.year}" in text_of(page)
    assert f'href="/ressources/{world.room.id}?semaine={iso_week(monday)}"' in page
    assert f"{FRENCH_DAYS[0]} {monday.day} {month} : 9 créneaux libres" in text_of(page)
    saturday = monday + timedelta(days=5)
    if saturday.month == monday.month:
        assert f"samedi {saturday.day} {month} : Fermé" in text_of(page)
    partial = client.get(url, headers=CALENDAR).get_data(as_text=True)
    assert "<html" not in partial and '<table class="calendar month">' in partial


def test_an_unreadable_week_or_month_shows_the_current_week(client, world):
    for query in ("?semaine=bientot", "?semaine=2026-W60", "?mois=2026-13"):
        response = client.get(f"/ressources/{world.room.id}{query}")
        assert response.status_code == 200
        assert '<table class="calendar week time-grid sub-' in response.get_data(as_text=True)


@pytest.fixture()
def bookings(world, monday):
    book(world, world.other_member, monday, 10, 12, purpose="Projet confidentiel")
    book(world, world.member, monday, 14, 15, purpose="Réunion du bureau")
    book(world, world.other_member, monday, 16, 17, status=BookingStatus.REQUESTED, purpose="Demande discrète")


def week_text(client, world, monday) -> str:
    return text_of(calendar_table(client.get(week_url(world, monday)).get_data(as_text=True)))


def test_anonymous_visitors_see_busy_slots_without_names(client, world, monday, bookings):
    text = week_text(client, world, monday)
    assert "Occupé 10 h à 12 h" in text  # one block over its two hours (issue 22)
    assert text.count("Occupé") >= 2  # 10:00-12:00 and the member's 14:00
    assert "Demande en attente 16 h à 17 h" in text  # a block of its own, over the free hour
    for secret in ("Dominique Petit", "Projet confidentiel", "Camille Martin", "Réunion du bureau", "Demande discrète"):
        assert secret not in text


def test_a_member_sees_their_own_booking_and_nothing_of_others(client, world, monday, bookings):
    log_in(client, world.member)
    text = week_text(client, world, monday)
    assert "Votre réservation" in text
    assert "Occupé 10 h à 12 h" in text
    for secret in ("Dominique Petit", "Projet confidentiel", "Demande discrète"):
        assert secret not in text


@pytest.mark.parametrize("who", ["manager", "coordinator"])
def test_the_venue_staff_see_names_and_purposes(client, world, monday, bookings, who):
    log_in(client, getattr(world, who))
    text = week_text(client, world, monday)
    assert "Dominique Petit — Projet confidentiel" in text
    assert "Camille Martin — Réunion du bureau" in text
    assert "Dominique Petit — Demande discrète · en attente" in text


def test_a_manager_of_another_venue_sees_no_names(client, world, monday, bookings):
    log_in(client, world.other_manager)
    text = week_text(client, world, monday)
    assert "Occupé" in text
    for secret in ("Dominique Petit", "Projet confidentiel", "Camille Martin", "Demande discrète"):
        assert secret not in text


def test_the_partial_is_as_discreet_as_the_page(client, world, monday, bookings):
    log_in(client, world.member)
    body = client.get(week_url(world, monday), headers=CALENDAR).get_data(as_text=True)
    assert "Votre réservation" in body and "Projet confidentiel" not in body and "Dominique" not in body


def test_the_page_says_whether_the_member_holds_the_training(client, world):
    page = text_of(client.get(f"/ressources/{world.laser.id}").get_data(as_text=True))
    assert "Cette machine demande une habilitation" in page
    assert "Connectez-vous pour savoir si vous avez l'habilitation." in page
    assert "Battement de 30 min après chaque réservation" in page

    log_in(client, world.member)
    page = text_of(client.get(f"/ressources/{world.laser.id}").get_data(as_text=True))
    assert "Vous n'avez pas d'habilitation valable pour cette machine." in page

    db.session.add(
        Qualification(
            user_id=world.member.id, resource_id=world.laser.id, expires_at=datetime(2099, 6, 30, 10, tzinfo=UTC)
        )
    )
    db.session.commit()
    page = text_of(client.get(f"/ressources/{world.laser.id}").get_data(as_text=True))
    assert "Vous avez l'habilitation. Elle est valable jusqu'au 30 juin 2099" in page


def test_retired_and_unknown_resources_are_not_found_except_for_the_venue_staff(client, world):
    world.room.is_active = False
    db.session.commit()
    assert client.get(f"/ressources/{world.room.id}").status_code == 404
    assert client.get("/ressources/999999").status_code == 404
    log_in(client, world.member)
    assert client.get(f"/ressources/{world.room.id}").status_code == 404
    client.logout()
    log_in(client, world.manager)
    page = client.get(f"/ressources/{world.room.id}")
    assert page.status_code == 200 and "retirée du catalogue" in page.get_data(as_text=True)


def test_the_page_in_english(client, world, monday):
    client.submit("/langue", {"locale": "en", "next": "/"}, page="/")
    page = text_of(client.get(week_url(world, monday)).get_data(as_text=True))
    tuesday = monday + timedelta(days=1)
    assert "Booking terms" in page
    assert "Next week" in page
    assert f"Book Tuesday {tuesday.day} {tuesday:%B} from 10:00 to 11:00" in page
    assert "Closed" in page


def test_the_venue_page_links_each_resource_to_its_page(client, world):
    page = client.get("/lieux/la-machinerie").get_data(as_text=True)
    for resource in (world.room, world.laser, world.kit):
        assert f'<a href="/ressources/{resource.id}">{resource.name}</a>' in html.unescape(page)
