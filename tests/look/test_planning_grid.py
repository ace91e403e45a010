"""The managers' planning as a time grid (app/desk/grid.py): for each day and resource a track of
blocks on the day's axis — bookings, pending requests, the buffers before and after a booking,
closed times and closures, free slots that link to the booking form — each placed by its classes
(``pc-`` its first column, ``pw-`` the columns it spans) and saying in words what it is. Across
both clock changes a block keeps its wall-clock place and length."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from app.bookings.hours import public_holidays
from app.core.clock import paris_to_utc, paris_today
from app.desk.grid import Axis
from app.extensions import db
from app.models import Booking, BookingStatus, Closure, VenueRole
from tests.factories import add_membership, make_resource, make_user, make_venue
from tests.helpers import log_in, text_of

PLANNING = "/gestion/planning"


def _ordinary_day(after: int) -> date:
    day = paris_today() + timedelta(days=after)
    holidays = public_holidays(day, day + timedelta(days=30))
    while day in holidays:
        day += timedelta(days=1)
    return day


def _book(resource, user, day, start, end, status=BookingStatus.APPROVED, purpose=""):
    starts_at, ends_at = paris_to_utc(day, start), paris_to_utc(day, end)
    booking = Booking(
        resource=resource,
        requester=user,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=ends_at + timedelta(minutes=resource.buffer_minutes),
        exclusive=True,
        quantity=1,
        purpose=purpose,
        status=status,
    )
    db.session.add(booking)
    return booking


def _track(html: str, resource_name: str) -> list[tuple[str, int, int, str]]:
    """(kind, first column, columns spanned, words) of each block of a resource's track."""
    start = html.index(f'<th scope="row">{resource_name}')
    row = html[start : html.index("</tr>", start)]
    track = row[row.index('<ol class="track cols-') : row.index("</ol>")]
    return [
        (kind, int(column), int(span), text_of(content))
        for kind, column, span, content in re.findall(
            r'<li class="block ([a-z_]+) pc-(\d+) pw-(\d+)"[^>]*>(.*?)</li>', track, re.S
        )
    ]


@pytest.fixture()
def venue_day(client):
    venue = make_venue(days=range(7))  # 9:00-18:00 every day
    room = make_resource(venue, slot_minutes=60, notice_minutes=0, buffer_minutes=30)
    manager = make_user("gestion@test.example", "Gestionnaire")
    add_membership(manager, venue, VenueRole.MANAGER)
    day = _ordinary_day(9)
    other = make_user("autre@test.example", "Dominique Petit")
    booking = _book(room, other, day, time(11), time(13), purpose="Atelier sérigraphie")
    pending = _book(room, other, day, time(15), time(16), BookingStatus.REQUESTED, purpose="Répétition")
    db.session.add(
        Closure(
            venue=venue, starts_at=paris_to_utc(day, time(17)), ends_at=paris_to_utc(day, time(18)), reason="Ménage"
        )
    )
    db.session.commit()
    log_in(client, manager)
    return room, day, booking, pending


def test_the_day_is_a_track_of_blocks_of_their_real_length(client, venue_day):
    room, day, booking, pending = venue_day
    html = client.get(f"{PLANNING}?jour={day.isoformat()}").get_data(as_text=True)
    # The axis: 9:00 to 18:00 in half hours (the buffer's 30 min), 18 columns; 11:00 is column 5.
    assert '<ol class="track axis cols-18" aria-hidden="true">' in html
    blocks = _track(html, room.name)
    by_kind = {}
    for kind, column, span, words in blocks:
        by_kind.setdefault(kind, []).append((column, span, words))
    ((column, span, words),) = by_kind["booking"]
    assert (column, span) == (5, 4) and words.startswith("11 h – 13 h · validée") and "Atelier sérigraphie" in words
    assert "Dominique Petit" in words
    ((column, span, words),) = by_kind["pending"]
    assert (column, span) == (13, 2) and "en attente" in words and "Répétition" in words
    assert [(c, s, w) for c, s, w in by_kind["buffer"]] == [
        (4, 1, "Battement avant la réservation 10 h 30 – 11 h"),
        (9, 1, "Battement après la réservation 13 h – 13 h 30"),
    ]
    ((column, span, words),) = by_kind["closed"]
    assert (column, span) == (17, 2) and words == "Fermé 17 h – 18 h · Ménage"
    # Free time: one target an hour (the calendar's rows), none where a booking or its buffer is.
    free = [(column, span) for column, span, _ in by_kind["free"]]
    # 9:00, 14:00, 15:00 (a request does not hold it: it has a lane of its own) and 16:00; not 10:00
    # (a booking from there plus its buffer would reach 11:00), nor 13:00 (the booking's buffer).
    assert free == [(1, 2), (11, 2), (13, 2), (15, 2)]
    # Each item in time order, so that a screen reader reads the day as it goes.
    assert [column for _, column, _, _ in blocks] == sorted(column for _, column, _, _ in blocks)


def test_a_free_slot_leads_to_the_booking_form_with_that_slot(client, venue_day):
    room, day, _, _ = venue_day
    html = client.get(f"{PLANNING}?jour={day.isoformat()}").get_data(as_text=True)
    link = f'href="/ressources/{room.id}/reserver?debut={day:%Y-%m-%d}T14:00&amp;fin={day:%Y-%m-%d}T15:00"'
    assert link in html
    assert "Libre : réserver Salle de réunion" in text_of(html) and "de 14 h à 15 h" in text_of(html)
    form = client.get(f"/ressources/{room.id}/reserver?debut={day:%Y-%m-%d}T14:00&fin={day:%Y-%m-%d}T15:00")
    assert form.status_code == 200 and f'value="{day:%Y-%m-%d}T14:00"' in form.get_data(as_text=True)


def test_the_week_has_a_track_for_each_day(client, venue_day):
    room, day, _, _ = venue_day
    week = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
    html = client.get(f"{PLANNING}?semaine={week}").get_data(as_text=True)
    assert html.count('class="planning-day"') == 7
    assert html.count('<ol class="track cols-') == 7 and "Atelier sérigraphie" in html


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@pytest.mark.parametrize("month", [3, 10])
def test_a_night_block_keeps_its_wall_clock_place_across_a_clock_change(month):
    sunday = _last_sunday(2027, month)
    axis = Axis(sunday, first=0, unit=60, columns=6)
    starts_at, ends_at = paris_to_utc(sunday, time(1)), paris_to_utc(sunday, time(4))
    # Two real hours in March, four in October: always from the 1:00 column to the 4:00 one.
    assert (ends_at - starts_at) == timedelta(hours=2 if month == 3 else 4)
    assert axis.place(starts_at, ends_at) == (2, 3)
    assert axis.hours()[2] == (time(2), 3, 1)
