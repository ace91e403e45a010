"""The week as a time grid: a booking, a pending request, a closure is one block spanning its real
duration (a table for screen readers, with ``rowspan``; laid out by CSS grid, each cell placed by
its classes: ``gc-`` its column, ``gr-`` its first row, ``gh-`` the rows it spans; its times
written in it); free time stays one target per row. Across the autumn clock change, the 2:00 row lasts two real hours and a night booking
from 1:00 to 4:00 is still one block of three rows."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from app.catalogue.calendar import iso_week
from app.core.clock import paris_to_utc, paris_today
from app.extensions import db
from app.models import Booking, BookingStatus
from tests.factories import make_resource, make_user, make_venue
from tests.helpers import text_of


def _last_sunday_of_october_after(today: date) -> date:
    year = today.year
    while True:
        day = date(year, 10, 31)
        day -= timedelta(days=(day.weekday() + 1) % 7)
        if day > today + timedelta(days=7):
            return day
        year += 1


def _book(resource, user, day: date, start: time, end: time, status=BookingStatus.APPROVED):
    starts_at, ends_at = paris_to_utc(day, start), paris_to_utc(day, end)
    held = ends_at + timedelta(minutes=resource.buffer_minutes)
    db.session.add(
        Booking(
            resource=resource,
            requester=user,
            starts_at=starts_at,
            ends_at=ends_at,
            holds_until=held,
            exclusive=True,
            quantity=1,
            purpose="",
            status=status,
        )
    )


def _rows(page: str) -> list[tuple[str, str]]:
    """(the row's time, its HTML) for each row of the week's table; each row's header is placed in the
    grid's first column, on the grid row of its own (the caption and the days' heads take two)."""
    assert '<table class="calendar week time-grid">' in page
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    found = re.findall(r'<th scope="row" class="gc-1 gr-(\d+)">(.*?)</th>(.*?)</tr>', body, re.S)
    assert [int(row) for row, _, _ in found] == list(range(3, 3 + len(found)))
    return [(text_of(head), f'<tr data-row="{row}">{html}') for row, head, html in found]


def _cells(row_html: str) -> list[tuple[int, str]]:
    """(rows spanned, text) of each cell of a row: its grid placement says the same as its rowspan,
    on the row's own grid row, in the columns of the days (2 to 8)."""
    row = int(re.match(r'<tr data-row="(\d+)">', row_html).group(1))
    cells = re.findall(
        r'<td class="slot [a-z_]+ gc-(\d) gr-(\d+) gh-(\d+)"(?: rowspan="(\d+)")?>(.*?)</td>', row_html, re.S
    )
    for column, start, height, span, _ in cells:
        assert int(start) == row and int(height) == int(span or 1) and 2 <= int(column) <= 8
    return [(int(height), text_of(content)) for _, _, height, _, content in cells]


def test_a_night_booking_is_one_block_of_its_real_length_across_the_autumn_clock_change(client):
    sunday = _last_sunday_of_october_after(paris_today())
    venue = make_venue(hours=((0, 0), (6, 0)), days=range(7))
    room = make_resource(venue, slot_minutes=60, notice_minutes=0, horizon_days=800)
    _book(room, make_user(), sunday, time(1), time(4))
    db.session.commit()
    monday = sunday - timedelta(days=6)

    rows = _rows(client.get(f"/ressources/{room.id}?semaine={iso_week(monday)}").get_data(as_text=True))
    assert [hour for hour, _ in rows] == ["0 h", "1 h", "2 h", "3 h", "4 h", "5 h"]
    # Sunday is the last column: in the 1 h row, one block three rows high (1:00, 2:00 twice, 3:00).
    span, words = _cells(rows[1][1])[-1]
    assert span == 3 and words == "Occupé 1 h à 4 h"
    # The rows it covers have no Sunday cell of their own: six cells in each (Monday to Saturday).
    assert len(_cells(rows[2][1])) == 6 and len(_cells(rows[3][1])) == 6
    assert _cells(rows[4][1])[-1][0] == 1 and "Libre" in _cells(rows[4][1])[-1][1]  # free again, row by row


def test_free_time_stays_one_target_per_row_and_a_pending_request_is_shown_in_it(client):
    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=60, notice_minutes=0)
    day = paris_today() + timedelta(days=9)
    _book(room, make_user(name="Autre Membre"), day, time(10), time(12), status=BookingStatus.REQUESTED)
    db.session.commit()
    page = client.get(f"/ressources/{room.id}?semaine={iso_week(day)}").get_data(as_text=True)
    column = day.weekday()
    by_hour = dict(_rows(page))
    for hour in ("10 h", "11 h"):
        span, words = _cells(by_hour[hour])[column]
        assert span == 1 and words.startswith("Libre") and "demande en attente" in words
    links = re.findall(rf'href="/ressources/{room.id}/reserver\?debut={day:%Y-%m-%d}T(\d\d):00', page)
    assert links == [f"{hour:02d}" for hour in range(9, 18)]  # each free hour its own target


def test_the_buffers_before_and_after_a_booking_are_blocks_of_their_own(client):
    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=60, notice_minutes=0, buffer_minutes=30)
    day = paris_today() + timedelta(days=9)
    _book(room, make_user(name="Autre Membre"), day, time(11), time(13))
    db.session.commit()
    by_hour = dict(_rows(client.get(f"/ressources/{room.id}?semaine={iso_week(day)}").get_data(as_text=True)))
    column = day.weekday()
    # 10:00: a booking from there (one hour plus its 30 min buffer) would reach 11:00; 13:00: the
    # booking's own buffer holds 13:00-13:30. Both are "Battement", not "Occupé"; 14:00 is free.
    before, booked, after = (_cells(by_hour[hour])[column] for hour in ("10 h", "11 h", "13 h"))
    assert before == (1, "Battement 30 min avant ou après une réservation")
    assert booked == (2, "Occupé 11 h à 13 h")
    assert after == before
    assert _cells(by_hour["14 h"])[column][1].startswith("Libre")
    assert _cells(by_hour["9 h"])[column][1].startswith("Libre")
