"""The week as a time grid: a booking, a pending request, a closure is one block spanning its real
duration (a table for screen readers, with ``rowspan``; laid out by CSS grid, each cell placed by
its classes: ``gc-`` its column, ``gr-`` its first row, ``gh-`` the rows it spans; its times
written in it); free time stays one target per row. Across the autumn clock change, the 2:00 row lasts two real hours and a night booking
from 1:00 to 4:00 is still one block of three rows."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from app.catalogue.calendar import iso_week
from app.core.clock import paris_to_utc, paris_today
from app.extensions import db
from app.models import Booking, BookingStatus, ResourceKind
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


def _book(resource, user, day: date, start: time, end: time, status=BookingStatus.APPROVED, purpose: str = ""):
    """A booking of the resource, held for its buffer (a kit's: its units shared, no buffer)."""
    starts_at, ends_at = paris_to_utc(day, start), paris_to_utc(day, end)
    kit = resource.kind == ResourceKind.KIT
    db.session.add(
        Booking(
            resource=resource,
            requester=user,
            starts_at=starts_at,
            ends_at=ends_at,
            holds_until=ends_at if kit else ends_at + timedelta(minutes=resource.buffer_minutes),
            exclusive=not kit,
            quantity=1,
            purpose=purpose,
            status=status,
        )
    )


def _rows(page: str) -> list[tuple[str, str]]:
    """(the row's time, its HTML) for each row of the week's table; each row's header is placed in the
    grid's first column, on the grid rows of its own (``sub-<k>``: k grid rows a row; the caption
    and the days' heads take two)."""
    k = int(re.search(r'<table class="calendar week time-grid sub-(\d+)">', page).group(1))
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    found = re.findall(r'<th scope="row" class="gc-1 gr-(\d+) gh-(\d+)">(.*?)</th>(.*?)</tr>', body, re.S)
    assert [int(row) for row, _, _, _ in found] == list(range(3, 3 + k * len(found), k))
    assert {int(height) for _, height, _, _ in found} == {k}
    return [(text_of(head), f'<tr data-row="{row}" data-k="{k}">{html}') for row, _, head, html in found]


CELL = re.compile(
    r'<td class="slot [a-z_]+ gc-(\d) gr-(\d+) gh-(\d+)"(?: rowspan="(\d+)")?>(.*?)</td>'
    r'|<td class="slot [a-z_]+ layered"(?: rowspan="(\d+)")?>(.*?)</td>',
    re.S,
)
BOX = re.compile(r'<span class="box slot [a-z_]+ gc-(\d) gr-(\d+) gh-(\d+)">(.*?)</span>(?=<span class="band|$)', re.S)
BAND = re.compile(r'<span class="band ([a-z]+) gc-(\d) gr-(\d+) gh-(\d+)"[^>]*>(.*?)</span>(?=<span class="b|$)', re.S)


def _parts(row_html: str) -> list[dict]:
    """Each cell of a row: its rows spanned, its words, its column and grid place, and (a cell whose
    parts lie at exact minutes) its bands: (kind, first grid row, grid rows, words). Its grid
    placement says the same as its rowspan, on the row's own grid rows, in the days' columns (2 to 8)."""
    head = re.match(r'<tr data-row="(\d+)" data-k="(\d+)">', row_html)
    row, k = int(head.group(1)), int(head.group(2))
    cells = []
    for column, start, height, span, content, layered_span, layered in CELL.findall(row_html):
        bands = []
        if layered:
            column, start, height, content = BOX.search(layered).groups()
            span = layered_span
            bands = [(kind, int(r), int(h), text_of(words)) for kind, c, r, h, words in BAND.findall(layered)]
            assert all(c == column for _, c, _, _, _ in BAND.findall(layered))
        assert int(start) == row and int(height) == k * int(span or 1) and 2 <= int(column) <= 8
        cells.append({"span": int(height) // k, "words": text_of(content), "column": int(column), "bands": bands})
    return cells


def _cells(row_html: str) -> list[tuple[int, str]]:
    """(rows spanned, text) of each cell of a row."""
    return [(cell["span"], cell["words"]) for cell in _parts(row_html)]


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


def _free_targets(page: str, room_id: int) -> list[str]:
    return re.findall(rf'href="(/ressources/{room_id}/reserver\?[^"]+)"', page)


def test_free_time_stays_one_target_per_row_and_a_pending_request_is_a_block_over_it(client):
    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=60, notice_minutes=0)
    day = paris_today() + timedelta(days=9)
    db.session.commit()
    url = f"/ressources/{room.id}?semaine={iso_week(day)}"
    before = _free_targets(client.get(url).get_data(as_text=True), room.id)
    _book(room, make_user(name="Autre Membre"), day, time(10), time(12), status=BookingStatus.REQUESTED)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    column = day.weekday()
    by_hour = dict(_rows(page))
    for hour in ("10 h", "11 h"):
        span, words = _cells(by_hour[hour])[column]
        assert span == 1 and words.startswith("Libre")
    # The request is one block of two rows from 10:00 (grid row 3 is 9:00), in the cell where it
    # begins; the cell under it at 11:00 says it too, for screen readers.
    assert _parts(by_hour["10 h"])[column]["bands"] == [("pending", 4, 2, "Demande en attente 10 h à 12 h")]
    assert "demande en attente" in _cells(by_hour["11 h"])[column][1]
    links = re.findall(rf'href="/ressources/{room.id}/reserver\?debut={day:%Y-%m-%d}T(\d\d):00', page)
    assert links == [f"{hour:02d}" for hour in range(9, 18)]  # each free hour its own target
    assert _free_targets(page, room.id) == before  # what the engine offers, unchanged
    assert "Autre Membre" not in page


def test_the_buffers_before_and_after_a_booking_are_blocks_at_their_exact_minutes(client):
    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=60, notice_minutes=0, buffer_minutes=30)
    day = paris_today() + timedelta(days=9)
    _book(room, make_user(name="Autre Membre"), day, time(11), time(13))
    db.session.commit()
    by_hour = dict(_rows(client.get(f"/ressources/{room.id}?semaine={iso_week(day)}").get_data(as_text=True)))
    column = day.weekday()
    # Rows of an hour are two grid rows of 30 min (9:00 is grid row 3). 10:00: a booking from there
    # (one hour plus its 30 min buffer) would reach 11:00, so the cell is a buffer, its stripes from
    # 10:30; 13:00: the booking's own buffer holds 13:00-13:30. Both are "Battement", not "Occupé";
    # 14:00 is free.
    before, booked, after = (_parts(by_hour[hour])[column] for hour in ("10 h", "11 h", "13 h"))
    assert (before["span"], before["words"]) == (1, "Battement 30 min avant ou après une réservation 10 h 30 à 11 h")
    assert before["bands"] == [("buffer", 6, 1, "")]
    assert (booked["span"], booked["words"]) == (2, "Occupé 11 h à 13 h")
    assert booked["bands"] == [("booking", 7, 4, "")]
    assert (after["span"], after["words"]) == (1, "Battement 30 min avant ou après une réservation 13 h à 13 h 30")
    assert after["bands"] == [("buffer", 11, 1, "")]
    assert _cells(by_hour["14 h"])[column][1].startswith("Libre")
    assert _cells(by_hour["9 h"])[column][1].startswith("Libre")


def test_a_buffer_of_twenty_minutes_after_a_half_hour_booking_is_placed_to_the_minute(client):
    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=30, notice_minutes=0, buffer_minutes=20)
    day = paris_today() + timedelta(days=9)
    _book(room, make_user(name="Autre Membre"), day, time(11), time(12, 30))
    db.session.commit()
    page = client.get(f"/ressources/{room.id}?semaine={iso_week(day)}").get_data(as_text=True)
    by_hour = dict(_rows(page))
    # Rows of an hour, in grid rows of 10 min (6 a row). The booking 11:00-12:30 then its buffer
    # 12:30-12:50, both in the 12:00 row's cell ("Occupé": the booking crosses it).
    booked = _parts(by_hour["11 h"])[day.weekday()]
    assert (booked["span"], booked["words"]) == (2, "Occupé 11 h à 12 h 30")
    assert booked["bands"] == [("booking", 3 + 12, 9, ""), ("buffer", 3 + 21, 2, "")]
    assert "Autre Membre" not in page


@pytest.mark.parametrize("sunday", [date(2027, 3, 28), date(2027, 10, 31)], ids=["spring", "autumn"])
def test_a_pending_request_keeps_its_wall_clock_place_and_length_across_a_clock_change(client, sunday):
    venue = make_venue(hours=((0, 0), (6, 0)), days=range(7))
    room = make_resource(venue, slot_minutes=30, notice_minutes=0, horizon_days=800)
    db.session.commit()
    url = f"/ressources/{room.id}?semaine={iso_week(sunday)}"
    before = _free_targets(client.get(url).get_data(as_text=True), room.id)
    _book(room, make_user(name="Autre Membre"), sunday, time(1, 30), time(3, 30), status=BookingStatus.REQUESTED)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    rows = _rows(page)
    assert [hour for hour, _ in rows] == ["0 h", "1 h", "2 h", "3 h", "4 h", "5 h"]
    # Rows of an hour in grid rows of 30 min (0:00 is grid row 3): from 1:30 (row 6) four grid rows,
    # to 3:30 on the wall clock (the 2:00 row is closed in March and lasts two hours in October).
    sunday_cell = _parts(rows[1][1])[-1]
    assert sunday_cell["bands"] == [("pending", 6, 4, "Demande en attente 1 h 30 à 3 h 30")]
    assert _free_targets(page, room.id) == before
    assert "Autre Membre" not in page


def test_a_member_sees_their_own_pending_request_as_theirs_and_others_without_a_name(client):
    from tests.helpers import log_in

    venue = make_venue(days=range(7))
    kit = make_resource(venue, "kit", "Kit son", ResourceKind.KIT, units=3, slot_minutes=60, notice_minutes=0)
    day = paris_today() + timedelta(days=9)
    member = make_user("moi@test.example", "Moi Même")
    _book(kit, member, day, time(10), time(12), BookingStatus.REQUESTED, "Mon concert")
    other = make_user("autre@test.example", "Autre Membre")
    _book(kit, other, day, time(14), time(15), BookingStatus.REQUESTED, "Sortie secrète")
    db.session.commit()
    log_in(client, member)
    page = client.get(f"/ressources/{kit.id}?semaine={iso_week(day)}").get_data(as_text=True)
    by_hour = dict(_rows(page))
    column = day.weekday()
    # A kit's units stay free under both requests (each hour its target); the blocks say whose they are.
    assert _parts(by_hour["10 h"])[column]["bands"] == [("pending", 4, 2, "Votre demande en attente 10 h à 12 h")]
    assert _parts(by_hour["14 h"])[column]["bands"] == [("pending", 8, 1, "Demande en attente 14 h à 15 h")]
    assert _cells(by_hour["14 h"])[column][1].startswith("3 libres")
    assert "Autre Membre" not in page and "Sortie secrète" not in page


def test_the_week_with_its_blocks_at_exact_minutes_is_valid_html(client, tmp_path):
    from tests.crawl import nu_errors, vnu_command

    vnu_command()  # skips when the checker cannot run
    venue = make_venue(days=range(7))
    room = make_resource(venue, slot_minutes=30, notice_minutes=0, buffer_minutes=15)
    today = paris_today()
    day = today + timedelta(days=15 - today.weekday())  # a Tuesday: the day after it is in the same week
    other = make_user(name="Autre Membre")
    _book(room, other, day, time(10, 30), time(12))
    _book(room, other, day, time(14), time(15, 30), status=BookingStatus.REQUESTED)
    _book(room, other, day + timedelta(days=1), time(9), time(17, 30), status=BookingStatus.REQUESTED)
    db.session.commit()
    page = client.get(f"/ressources/{room.id}?semaine={iso_week(day)}").get_data(as_text=True)
    assert page.count('class="band pending ') == 2 and 'class="band buffer ' in page
    assert nu_errors({"week": page}, tmp_path / "pages") == []
