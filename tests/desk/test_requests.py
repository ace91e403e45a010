"""The managers' desk (/gestion/demandes) through the test client: the list of pending requests with
their collisions and the effect of approving them, inline decisions (row, rows of the collisions and
the menu's counter), several at once with one refusal among them, series, and every role's refusals."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.bookings import service
from app.desk import rules
from app.extensions import db
from app.models import AuditEntry, Booking, BookingStatus
from tests.factories.desk import future_day, request
from tests.helpers import HTMX, announcements, csrf_token_from, fragment, log_in, moment, status_of

DESK = "/gestion/demandes"


@pytest.fixture()
def day():
    return future_day(10)


def token(client) -> str:
    return csrf_token_from(client.get(DESK).get_data(as_text=True))


def post(client, url: str, data: dict | None = None, target: str | None = None):
    headers = {**HTMX, "HX-Target": target} if target else {}
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, headers=headers)


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def row_html(html: str, booking: Booking) -> str:
    match = re.search(rf'<article id="booking-{booking.id}".*?</article>', html, re.S)
    assert match, f"no row for booking {booking.id}"
    return match.group(0)


def counter(html: str) -> str:
    match = re.search(r'<span id="pending-count"[^>]*>(\d+)<', html)
    assert match, "no counter"
    return match.group(1)


# --- Who may come ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_and_htmx_gets_hx_redirect(client, world):
    response = client.get(DESK)
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]
    response = client.get(DESK, headers={**HTMX, "HX-Target": "desk-list"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/compte/connexion")


def test_a_member_gets_403_and_no_counter(client, world, day):
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.member)
    assert client.get(DESK).status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert 'id="pending-count"' not in home and "/gestion/demandes" not in home
    assert client.post(f"{DESK}/{booking.id}/valider", data={"csrf_token": csrf_token_from(home)}).status_code == 403
    assert status_of(booking) == BookingStatus.REQUESTED


def test_a_manager_sees_only_their_venues_requests_oldest_first_with_their_facts(client, world, day):
    later = request(
        world.room,
        world.other_member,
        moment(day, 14),
        moment(day, 16),
        purpose="Répétition",
        now=moment(day, 0) - timedelta(days=1),
    )
    older = request(
        world.room,
        world.member,
        moment(day, 10),
        moment(day, 12),
        purpose="Assemblée générale",
        attendees=8,
        now=moment(day, 0) - timedelta(days=3),
    )
    elsewhere = request(world.other_room, world.member, moment(day, 10), moment(day, 12), purpose="Ailleurs")
    log_in(client, world.manager)
    response = client.get(DESK)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index(f'id="booking-{older.id}"') < html.index(f'id="booking-{later.id}"')
    assert f'id="booking-{elsewhere.id}"' not in html and "Ailleurs" not in html
    row = row_html(html, older)
    for text in (
        "Camille Martin",
        "membre@test.example",
        "Les Jardins Partagés",
        "Assemblée générale",
        "8",
        "20,00",
        "Salle de réunion",
        "en attente",
        "Aucune autre demande sur ce créneau.",
    ):
        assert text in row, text
    assert counter(html) == "2"
    assert "2 demandes en attente" in html
    # Another venue, or one that does not exist: not found.
    assert client.get(f"{DESK}?lieu=la-briqueterie").status_code == 404
    assert client.get(f"{DESK}?lieu=nulle-part").status_code == 404


def test_collisions_and_the_effect_of_approving_are_shown(client, world, day):
    first = request(world.room, world.member, moment(day, 10), moment(day, 12))
    second = request(world.room, world.other_member, moment(day, 11), moment(day, 13))
    apart = request(world.room, world.other_member, moment(day, 15), moment(day, 16))
    log_in(client, world.manager)
    html = client.get(DESK).get_data(as_text=True)
    row = row_html(html, first)
    assert "En conflit avec 1 autre demande" in row and f'href="#booking-{second.id}"' in row
    assert "La valider refusera 1 demande" in row and "Dominique Petit" in row
    assert "La valider ne refusera aucune autre demande." in row_html(html, apart)


def test_the_htmx_list_alone_and_the_venue_filter_for_a_coordinator(client, world, day):
    here = request(world.room, world.member, moment(day, 10), moment(day, 12))
    there = request(world.other_room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.coordinator)
    html = client.get(DESK).get_data(as_text=True)
    assert f'id="booking-{here.id}"' in html and f'id="booking-{there.id}"' in html
    assert counter(html) == "2"
    response = client.get(f"{DESK}?lieu=la-briqueterie", headers={**HTMX, "HX-Target": "desk-list"})
    html = fragment(response)
    assert html.startswith('\n<div id="desk-list">') or html.lstrip().startswith('<div id="desk-list">')
    assert f'id="booking-{there.id}"' in html and f'id="booking-{here.id}"' not in html


# --- One decision, inline -------------------------------------------------------------------------


def test_approving_inline_updates_the_row_the_rejected_collisions_and_the_counter(client, world, day):
    chosen = request(world.room, world.member, moment(day, 10), moment(day, 12))
    loser = request(world.room, world.other_member, moment(day, 11), moment(day, 13))
    other = request(world.studio, world.other_member, moment(day, 11), moment(day, 13))
    log_in(client, world.manager)
    response = post(client, f"{DESK}/{chosen.id}/valider", {"note": "Bonne réunion"}, target=f"booking-{chosen.id}")
    html = fragment(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article id="booking-{chosen.id}"')
    assert "validée" in row_html(html, chosen) and "Validée ; 1 demande en conflit a été refusée." in html
    oob_row = row_html(html, loser)
    assert 'data-hx-swap-oob="true"' in oob_row and "refusée" in oob_row and "Refusée automatiquement" in oob_row
    assert re.search(r'<span id="pending-count"[^>]*data-hx-swap-oob="true"[^>]*>1<', html)
    # Read out exactly once: by the row's outcome taking the focus; the desk's live region is emptied.
    assert announcements(html, live_ids=("desk-status",)) == ["Validée ; 1 demande en conflit a été refusée."]
    assert re.search(r'<div id="desk-status" data-hx-swap-oob="innerHTML">\s*</div>', html)
    assert status_of(chosen) == BookingStatus.APPROVED and status_of(loser) == BookingStatus.REJECTED
    assert status_of(other) == BookingStatus.REQUESTED
    # The requester whose request was turned down sees it on their booking's page.
    client.logout()
    log_in(client, world.other_member)
    page = client.get(f"/reservations/{loser.id}").get_data(as_text=True)
    assert "refusée" in page.lower()


def test_approving_inline_also_redraws_the_rows_that_listed_a_rejected_request(client, world, day):
    chosen = request(world.room, world.member, moment(day, 10), moment(day, 12))
    loser = request(world.room, world.other_member, moment(day, 11), moment(day, 13))
    later = request(world.room, world.member, moment(day, 12, 30), moment(day, 14))  # crosses only the loser
    log_in(client, world.manager)
    before = client.get(DESK).get_data(as_text=True)
    assert f'href="#booking-{loser.id}"' in row_html(before, later)
    html = fragment(post(client, f"{DESK}/{chosen.id}/valider", {"note": ""}, target=f"booking-{chosen.id}"))
    redrawn = row_html(html, later)
    assert 'data-hx-swap-oob="true"' in redrawn and f'href="#booking-{loser.id}"' not in redrawn
    assert "Aucune autre demande sur ce créneau." in redrawn
    assert status_of(later) == BookingStatus.REQUESTED


def test_approving_without_javascript_redirects_with_a_message(client, world, day):
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.manager)
    response = post(client, f"{DESK}/{booking.id}/valider", {"next": DESK})
    assert response.status_code == 303 and response.headers["Location"].endswith(DESK)
    page = client.get(DESK).get_data(as_text=True)
    assert "Validée." in page and counter(page) == "0"
    assert status_of(booking) == BookingStatus.APPROVED


def test_rejecting_with_a_note_and_the_refusal_without_one(client, world, day):
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.manager)
    before = audit_count()
    response = post(client, f"{DESK}/{booking.id}/refuser", {"note": ""}, target=f"booking-{booking.id}")
    html = fragment(response)
    assert response.status_code == 422
    assert "motif" in row_html(html, booking).lower()
    # The reason is read out once (it takes the focus), neither as an alert too nor in the live region.
    (said,) = announcements(html, live_ids=("desk-status",))
    assert "motif" in said.lower()
    assert status_of(booking) == BookingStatus.REQUESTED and audit_count() == before
    # Without JavaScript: the desk again, the reason on the row.
    response = post(client, f"{DESK}/{booking.id}/refuser", {"note": "  "})
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    assert 'role="alert"' in row_html(response.get_data(as_text=True), booking)
    response = post(
        client, f"{DESK}/{booking.id}/refuser", {"note": "Salle réservée pour le lieu"}, target=f"booking-{booking.id}"
    )
    assert response.status_code == 200 and "Refusée." in fragment(response)
    assert announcements(fragment(response), live_ids=("desk-status",)) == ["Refusée."]
    db.session.expire_all()
    stored = db.session.get(Booking, booking.id)
    assert stored.status == BookingStatus.REJECTED and stored.decision_note == "Salle réservée pour le lieu"


def test_a_refused_approval_shows_the_engines_reasons_and_writes_nothing(client, world, day):
    booking = request(world.kit, world.member, moment(day, 10), moment(day, 12), quantity=3)
    world.kit.units = 2  # a unit broke since the request
    db.session.commit()
    log_in(client, world.manager)
    before = audit_count()
    response = post(client, f"{DESK}/{booking.id}/valider", target=f"booking-{booking.id}")
    assert response.status_code == 422
    row = row_html(fragment(response), booking)
    # The reason itself, in the manager's words, not who gave it.
    assert "Il ne reste que 2 unité(s) disponible(s) sur cette période ; vous en demandez 3." in unescape(row)
    assert "moteur de réservation" not in row
    assert status_of(booking) == BookingStatus.REQUESTED and audit_count() == before


def test_a_manager_cannot_decide_on_another_venues_request(client, world, day):
    booking = request(world.other_room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.manager)
    before = audit_count()
    for action in ("valider", "refuser"):
        response = post(client, f"{DESK}/{booking.id}/{action}", {"note": "x"}, target=f"booking-{booking.id}")
        assert response.status_code == 404 and "Atelier" not in response.get_data(as_text=True)
    assert post(client, f"{DESK}/999999/valider").status_code == 404
    assert status_of(booking) == BookingStatus.REQUESTED and audit_count() == before


def test_a_decision_needs_the_csrf_token(client, world, day):
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.manager)
    assert client.post(f"{DESK}/{booking.id}/valider").status_code == 400
    assert client.get(f"{DESK}/{booking.id}/valider").status_code == 405
    assert status_of(booking) == BookingStatus.REQUESTED


# --- Several at once ------------------------------------------------------------------------------


def test_bulk_approve_keeps_the_others_when_one_is_refused(client, world, day):
    first = request(world.room, world.member, moment(day, 9), moment(day, 10), now=moment(day, 0) - timedelta(days=5))
    collision = request(
        world.room, world.other_member, moment(day, 9), moment(day, 11), now=moment(day, 0) - timedelta(days=4)
    )
    too_many = request(
        world.kit, world.member, moment(day, 10), moment(day, 12), quantity=3, now=moment(day, 0) - timedelta(days=3)
    )
    studio = request(
        world.studio, world.other_member, moment(day, 14), moment(day, 15), now=moment(day, 0) - timedelta(days=2)
    )
    world.kit.units = 2
    db.session.commit()
    log_in(client, world.manager)
    ids = [first.id, collision.id, too_many.id, studio.id]
    response = client.post(
        f"{DESK}/lot/valider",
        data={"csrf_token": token(client), "booking_ids": ids},
        headers={**HTMX, "HX-Target": "desk-list"},
    )
    html = fragment(response)
    assert response.status_code == 200
    assert (
        "2 demandes validées. 1 était déjà refusée : son créneau a été attribué à une demande validée juste avant. "
        "1 n&#39;a pas pu l&#39;être"
    ) in html
    assert "Validée ; 1 demande en conflit a été refusée." in row_html(html, first)
    assert "déjà refusée" in row_html(html, collision)
    assert "unité(s) disponible(s)" in unescape(row_html(html, too_many))
    assert "Validée." in row_html(html, studio)
    assert re.search(r'<span id="pending-count"[^>]*data-hx-swap-oob="true"[^>]*>1<', html)
    assert [status_of(b) for b in (first, collision, too_many, studio)] == [
        BookingStatus.APPROVED,
        BookingStatus.REJECTED,
        BookingStatus.REQUESTED,
        BookingStatus.APPROVED,
    ]


def test_bulk_reject_without_javascript_and_with_nothing_ticked(client, world, day):
    one = request(world.room, world.member, moment(day, 9), moment(day, 10))
    two = request(world.studio, world.member, moment(day, 9), moment(day, 10))
    log_in(client, world.manager)
    response = client.post(f"{DESK}/lot/refuser", data={"csrf_token": token(client), "note": "Fermé ce jour-là"})
    assert response.status_code == 422 and "Cochez au moins une demande." in response.get_data(as_text=True)
    response = client.post(
        f"{DESK}/lot/refuser",
        data={"csrf_token": token(client), "note": "Fermé ce jour-là", "booking_ids": [one.id, two.id]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html and "2 demandes refusées." in html
    assert status_of(one) == status_of(two) == BookingStatus.REJECTED
    assert counter(html) == "0"


def test_bulk_with_another_venues_request_is_404_and_writes_nothing(client, world, day):
    mine = request(world.room, world.member, moment(day, 9), moment(day, 10))
    theirs = request(world.other_room, world.member, moment(day, 9), moment(day, 10))
    log_in(client, world.manager)
    before = audit_count()
    response = client.post(
        f"{DESK}/lot/valider", data={"csrf_token": token(client), "booking_ids": [mine.id, theirs.id]}
    )
    assert response.status_code == 404
    assert status_of(mine) == status_of(theirs) == BookingStatus.REQUESTED and audit_count() == before


def test_decide_many_uses_a_savepoint_per_request(app, world, day):
    ok = request(world.room, world.member, moment(day, 9), moment(day, 10))
    refused = request(world.kit, world.member, moment(day, 10), moment(day, 12), quantity=3)
    world.kit.units = 1
    outcomes = rules.decide_many([ok, refused], world.manager, True, "")
    assert [o.done for o in outcomes] == [True, False]
    assert outcomes[1].reasons and ok.status == BookingStatus.APPROVED
    db.session.commit()
    assert status_of(refused) == BookingStatus.REQUESTED


# --- Series ---------------------------------------------------------------------------------------


def _series(world, day, count=3):
    series, bookings = service.request_series(
        world.room,
        world.member,
        moment(day, 18),
        moment(day, 19),
        service.Repetition(service.Frequency.WEEKLY, count=count),
        purpose="Chorale",
        now=moment(day, 0) - timedelta(days=2),
    )
    db.session.commit()
    return series, bookings


def test_a_series_is_approved_as_a_whole_inline(client, world, day):
    series, bookings = _series(world, day)
    rival = request(
        world.room, world.other_member, moment(day + timedelta(days=7), 18), moment(day + timedelta(days=7), 20)
    )
    log_in(client, world.manager)
    html = client.get(DESK).get_data(as_text=True)
    assert f'id="series-{series.id}"' in html and "3 occurrences en attente." in html
    assert "Valider toute la série refusera 1 autre demande" in html
    response = post(client, f"{DESK}/series/{series.id}/valider", target=f"series-{series.id}")
    html = fragment(response)
    assert response.status_code == 200 and html.lstrip().startswith(f'<section id="series-{series.id}"')
    assert "Série validée : 3 occurrences. 1 demande en conflit a été refusée." in html
    assert 'data-hx-swap-oob="true"' in row_html(html, rival)
    assert all(status_of(b) == BookingStatus.APPROVED for b in bookings) and status_of(rival) == BookingStatus.REJECTED


def test_a_series_occurrence_by_occurrence_and_rejected_as_a_whole(client, world, day):
    series, bookings = _series(world, day)
    log_in(client, world.manager)
    response = post(client, f"{DESK}/{bookings[0].id}/valider", target=f"booking-{bookings[0].id}")
    assert response.status_code == 200
    response = post(client, f"{DESK}/series/{series.id}/refuser", {"note": ""}, target=f"series-{series.id}")
    assert response.status_code == 422 and "Indiquez un motif." in fragment(response)
    response = post(client, f"{DESK}/series/{series.id}/refuser", {"note": "Salle prise par le lieu"})
    assert response.status_code == 303
    assert [status_of(b) for b in bookings] == [BookingStatus.APPROVED, BookingStatus.REJECTED, BookingStatus.REJECTED]


def test_another_venues_series_is_404(client, world, day):
    series, bookings = _series(world, day)
    log_in(client, world.other_manager)
    assert post(client, f"{DESK}/series/{series.id}/valider").status_code == 404
    assert status_of(bookings[0]) == BookingStatus.REQUESTED


# --- The counter ----------------------------------------------------------------------------------


def test_the_counter_counts_what_each_one_may_decide(client, app, world, day):
    request(world.room, world.member, moment(day, 9), moment(day, 10))
    request(world.studio, world.member, moment(day, 9), moment(day, 10))
    request(world.other_room, world.member, moment(day, 9), moment(day, 10))
    assert rules.pending_count(world.manager) == 2
    assert rules.pending_count(world.other_manager) == 1
    assert rules.pending_count(world.coordinator) == 3
    log_in(client, world.other_manager)
    html = client.get("/").get_data(as_text=True)
    assert counter(html) == "1" and '1<span class="visually-hidden"> en attente</span>' in html
    assert "/gestion/planning" in html and 'href="/gestion/"' in html


def test_the_desk_in_english(client, world, day):
    booking = request(world.room, world.member, moment(day, 10), moment(day, 12))
    log_in(client, world.manager)
    client.post("/langue", data={"csrf_token": token(client), "locale": "en", "next": DESK})
    html = client.get(DESK).get_data(as_text=True)
    assert "Requests to decide" in html and "pending" in row_html(html, booking)
    response = post(client, f"{DESK}/{booking.id}/refuser", target=f"booking-{booking.id}")
    assert response.status_code == 422 and "Give a reason." in row_html(fragment(response), booking)


def test_the_counter_costs_one_count_query_and_only_for_managers_and_coordinators(client, world, day):
    from sqlalchemy import event

    request(world.room, world.member, moment(day, 9), moment(day, 10))
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        for user, expected in ((world.member, 0), (world.manager, 1), (world.coordinator, 1)):
            log_in(client, user)
            statements.clear()
            client.get("/")
            counts = [s for s in statements if "count(" in s and "bookings" in s]
            assert len(counts) == expected, (user.email, counts)
            # A fragment has no menu: no count.
            statements.clear()
            if expected:
                client.get(DESK, headers={**HTMX, "HX-Target": "desk-list"})
                assert not [s for s in statements if "count(" in s and "bookings" in s]
            client.logout()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def test_an_occurrence_decided_inline_updates_its_series(client, world, day):
    series, bookings = _series(world, day)
    log_in(client, world.manager)
    html = client.get(DESK).get_data(as_text=True)
    assert f'data-hx-target="#series-{series.id}"' in row_html(html, bookings[1])
    response = post(client, f"{DESK}/{bookings[1].id}/valider", target=f"series-{series.id}")
    html = fragment(response)
    assert response.status_code == 200 and html.lstrip().startswith(f'<section id="series-{series.id}"')
    assert "2 occurrences en attente." in html
    assert "autofocus" in row_html(html, bookings[1]) and "Validée." in row_html(html, bookings[1])
    assert re.search(r'<span id="pending-count"[^>]*data-hx-swap-oob="true"[^>]*>2<', html)
    response = post(client, f"{DESK}/{bookings[2].id}/refuser", target=f"series-{series.id}")
    assert response.status_code == 422 and "Indiquez un motif." in row_html(fragment(response), bookings[2])
    assert [status_of(b) for b in bookings] == [
        BookingStatus.REQUESTED,
        BookingStatus.APPROVED,
        BookingStatus.REQUESTED,
    ]


def test_inline_decisions_update_the_headings_count_and_say_it_once(client, world, day):
    bookings = [
        request(
            world.room, world.member, moment(day, hour), moment(day, hour + 1), now=moment(day, 0) - timedelta(days=5)
        )
        for hour in (9, 11, 14, 16)
    ]
    db.session.commit()
    log_in(client, world.manager)
    assert "4 demandes en attente" in client.get(DESK).get_data(as_text=True)
    heading = r'<h2 id="pending-title"[^>]*data-hx-swap-oob="true"[^>]*>{}</h2>'

    response = post(client, f"{DESK}/{bookings[0].id}/valider", target=f"booking-{bookings[0].id}")
    assert response.status_code == 200
    assert re.search(heading.format("3 demandes en attente"), fragment(response))

    response = client.post(
        f"{DESK}/lot/valider",
        data={"csrf_token": token(client), "booking_ids": [bookings[1].id, bookings[2].id]},
        headers={**HTMX, "HX-Target": "desk-list"},
    )
    html = fragment(response)
    assert response.status_code == 200 and html.count("2 demandes validées.") == 1
    assert "1 demande en attente" in html and counter(html) == "1"


def _recent_section(page: str) -> str:
    return page.split('id="recent-title"', 1)[1].split("</section>", 1)[0]


def test_the_decisions_of_the_past_week_newest_first_with_who_decided(client, world, day):
    approved = request(world.room, world.member, moment(day, 10), moment(day, 12))
    rejected = request(world.studio, world.other_member, moment(day, 14), moment(day, 15))
    elsewhere = request(world.other_room, world.other_member, moment(day, 10), moment(day, 11))
    old = request(
        world.room, world.other_member, moment(day + timedelta(days=1), 10), moment(day + timedelta(days=1), 11)
    )
    service.approve(approved, world.manager)
    service.reject(rejected, world.manager, "Studio en travaux")
    service.approve(elsewhere, world.other_manager)
    service.approve(old, world.manager)
    db.session.commit()
    old.decided_at -= timedelta(days=8)  # decided before the past week
    db.session.commit()
    log_in(client, world.manager)
    recent = unescape(_recent_section(client.get(DESK).get_data(as_text=True)))
    items = re.findall(r'<li id="decided-(\d+)">(.*?)</li>', recent, re.S)
    assert [int(found) for found, _ in items] == [rejected.id, approved.id]  # newest first, this venue's only
    text = {int(found): " ".join(re.sub(r"<[^>]+>", "", body).split()) for found, body in items}
    assert re.fullmatch(
        rf"Salle de réunion, \S+ 10:00 – \S+ 12:00, {world.member.name} \({world.member.organisation.name}\) :"
        rf" validée \(par {world.manager.name}\)",
        text[approved.id],
    ), text[approved.id]
    assert text[rejected.id].startswith("Studio son,") and f", {world.other_member.name}" in text[rejected.id]
    assert text[rejected.id].endswith(f": refusée (par {world.manager.name})")
    assert f'href="/reservations/{approved.id}"' in recent
