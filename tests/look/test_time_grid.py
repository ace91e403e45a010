"""The week as a time grid: a booking, a pending request, a closure is one block spanning its real
duration (rows of the table, ``rowspan``, its times written in it); free time stays one target
per row. Across the autumn clock change, the 2:00 row lasts two real hours and a night booking
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
    db.session.add(
        Booking(
            resource=resource,
            requester=user,
            starts_at=starts_at,
            ends_at=ends_at,
            holds_until=ends_at,
            exclusive=True,
            quantity=1,
            purpose="",
            status=status,
        )
    )


def _rows(page: str) -> list[tuple[str, str]]:
    """(the row's time, its HTML) for each row of the week's table."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [(text_of(head), row) for head, row in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)]


def _cells(row_html: str) -> list[tuple[int, str]]:
    return [
        (int(span or 1), text_of(content))
        for span, content in re.findall(r'<td class="slot [a-z_]+"(?: rowspan="(\d+)")?>(.*?)</td>', row_html, re.S)
    ]


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
