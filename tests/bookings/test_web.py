"""The members' booking pages through the test client: the form and its live check, series,
"Mes réservations", a booking's page, edit, cancel and the waitlist, with every role.

Moments are chosen from the real clock (the views use it): a Monday one to two weeks ahead,
in the opening hours of the engine's small consortium (``tests/factories/bookings.py``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.bookings import access, service
from app.core.money import format_cents
from app.extensions import db
from app.models import ApprovalPolicy, Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from tests.factories.bookings import World
from tests.helpers import HTMX, csrf_token_from, fragment, local, log_in, moment


def money(cents: int) -> str:
    return format_cents(cents, "fr")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def book(world: World, who, day: date, start: int, end: int, resource=None, **kwargs) -> Booking:
    booking = service.request_booking(resource or world.room, who, moment(day, start), moment(day, end), **kwargs)
    db.session.commit()
    return booking


def form_url(world: World) -> str:
    return f"/ressources/{world.room.id}/reserver"


def check_post(client, url: str, data: dict, target: str = "booking-summary"):
    token = csrf_token_from(client.get(url.rsplit("/verifier", 1)[0]).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, headers={**HTMX, "HX-Target": target})


# --- The booking form ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_and_back(client, world, monday):
    url = f"{form_url(world)}?debut={local(monday, 10)}&fin={local(monday, 12)}"
    response = client.get(url)
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]
    assert "reserver" in response.headers["Location"]
    # During an htmx request the whole page goes to the login page.
    response = client.post(f"{form_url(world)}/verifier", headers={**HTMX, "HX-Target": "booking-summary"})
    assert response.status_code in (400, 401)


def test_anonymous_htmx_check_redirects_to_login(app, world):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post(
        f"{form_url(world)}/verifier",
        headers={**HTMX, "HX-Target": "booking-summary", "HX-Current-URL": "http://localhost/x"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/compte/connexion")


def test_the_form_is_prefilled_and_says_at_once_it_is_free_and_its_price(client, world, monday):
    log_in(client, world.member)
    response = client.get(f"{form_url(world)}?debut={local(monday, 10)}&fin={local(monday, 12)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{local(monday, 10)}"' in html and f'value="{local(monday, 12)}"' in html
    assert "Ce créneau est libre." in html
    assert money(2000) in html  # two hours at the consortium's rate, from the engine
    assert "attendra la validation" in html
    assert 'aria-live="polite"' in html and 'data-hx-trigger="change, input delay:400ms"' in html
    assert "Au nom de : Les Jardins Partagés" in html
    # A space has no units field; it has attendees.
    assert 'name="quantity"' not in html and 'name="attendees"' in html


def test_a_missing_or_retired_resource_has_no_form(client, world):
    log_in(client, world.member)
    assert client.get("/ressources/99999/reserver").status_code == 404
    world.room.is_active = False
    db.session.commit()
    assert client.get(form_url(world)).status_code == 404


def test_live_check_returns_the_summary_alone_with_price_or_reasons(client, world, monday):
    log_in(client, world.member)
    url = f"{form_url(world)}/verifier"
    response = check_post(client, url, {"starts_at": local(monday, 10), "ends_at": local(monday, 15)})
    html = fragment(response)
    assert response.status_code == 200
    assert "Ce créneau est libre." in html and money(4000) in html  # a half-day and an hour
    # Outside the opening hours, too long: every reason, no booking button in the summary.
    response = check_post(client, url, {"starts_at": local(monday, 7), "ends_at": local(monday, 17, 0)})
    html = fragment(response)
    assert "Impossible de réserver ce créneau" in html
    assert "Durée maximale" in html or "horaires" in html
    # The end before the start.
    html = fragment(check_post(client, url, {"starts_at": local(monday, 12), "ends_at": local(monday, 10)}))
    assert "La fin doit suivre le début." in html
    # Nothing typed yet.
    html = fragment(check_post(client, url, {}))
    assert "Indiquez le début et la fin" in html
    assert count(Booking) == 0


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*\sid="{name}"[^>]*>', html)
    assert found, f"no input {name}"
    return found.group(0)


def _slot(html: str, name: str) -> str:
    """The out-of-band error slot of a field in a live check's response."""
    found = re.search(rf'<p class="error" id="{name}-error"([^>]*)>(.*?)</p>', html, re.S)
    assert found, f"no error slot for {name}"
    assert 'data-hx-swap-oob="true"' in found.group(1) and "aria-live" not in found.group(1)
    return found.group(2).strip()


def test_live_check_ties_a_reason_on_the_end_or_the_start_to_its_field(client, world, monday):
    log_in(client, world.member)
    page = client.get(form_url(world)).get_data(as_text=True)
    # The slots are there from the start, empty, and the fields are described by them.
    for name in ("starts_at", "ends_at"):
        assert f'aria-describedby="{name}-error"' in _input(page, name)
        assert re.search(rf'<p class="error" id="{name}-error">\s*</p>', page)
    url = f"{form_url(world)}/verifier"
    # Too short (30 min, the room asks for an hour): the end's slot says so, the start's is empty.
    html = fragment(check_post(client, url, {"starts_at": local(monday, 10), "ends_at": local(monday, 10, 30)}))
    assert "Durée minimale : 1 h." in _slot(html, "ends_at") and _slot(html, "starts_at") == ""
    assert "Impossible de réserver ce créneau" in html  # the summary, read out once (the slots are quiet)
    # The end before the start: the end again.
    html = fragment(check_post(client, url, {"starts_at": local(monday, 12), "ends_at": local(monday, 10)}))
    assert "La fin doit suivre le début." in _slot(html, "ends_at")
    # Off the half-hour grid: the start.
    html = fragment(check_post(client, url, {"starts_at": local(monday, 10, 10), "ends_at": local(monday, 12)}))
    assert "tranches de 30 min" in _slot(html, "starts_at")
    # Only the start typed: the end is not called missing while it is being filled in.
    html = fragment(check_post(client, url, {"starts_at": local(monday, 10)}))
    assert _slot(html, "ends_at") == "" and _slot(html, "starts_at") == ""
    # Passing: both slots come back empty (static/js/fields.js then clears aria-invalid).
    html = fragment(check_post(client, url, {"starts_at": local(monday, 10), "ends_at": local(monday, 12)}))
    assert "Ce créneau est libre." in html and _slot(html, "ends_at") == "" and _slot(html, "starts_at") == ""
    # The same on the edit form's live check.
    booking = book(world, world.member, monday, 14, 16)
    html = fragment(
        check_post(
            client,
            f"/reservations/{booking.id}/modifier/verifier",
            {"starts_at": local(monday, 14), "ends_at": local(monday, 14, 30)},
            target="edit-summary",
        )
    )
    assert "Durée minimale : 1 h." in _slot(html, "ends_at")


def test_live_check_without_javascript_marks_the_field_too(client, world, monday):
    log_in(client, world.member)
    response = client.submit(
        f"{form_url(world)}/verifier",
        {"starts_at": local(monday, 10), "ends_at": local(monday, 10, 30)},
        page=form_url(world),
    )
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in _input(html, "ends_at") and "aria-invalid" not in _input(html, "starts_at")
    assert '<a href="#ends_at">' in html  # the error summary links to it


def test_live_check_without_javascript_renders_the_form_page(client, world, monday):
    log_in(client, world.member)
    response = client.submit(
        f"{form_url(world)}/verifier",
        {"starts_at": local(monday, 10), "ends_at": local(monday, 11)},
        page=form_url(world),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "Ce créneau est libre." in html and money(1000) in html


def test_booking_a_free_slot_waits_for_a_manager_and_says_so(client, world, monday):
    log_in(client, world.member)
    response = client.submit(
        form_url(world),
        {
            "starts_at": local(monday, 10),
            "ends_at": local(monday, 12),
            "attendees": "6",
            "purpose": "Assemblée générale",
            "repeat": "none",
        },
    )
    assert response.status_code == 303
    booking = db.session.scalars(select(Booking)).one()
    assert response.headers["Location"].endswith(f"/reservations/{booking.id}")
    assert booking.status == BookingStatus.REQUESTED and booking.attendees == 6 and booking.price_cents == 2000
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "attend la validation" in page and "en attente" in page and money(2000) in page


def test_booking_approved_at_once_says_so(client, world, monday):
    world.room.approval_policy = ApprovalPolicy.VENUE_MEMBERS
    db.session.commit()
    log_in(client, world.member)
    response = client.submit(
        form_url(world), {"starts_at": local(monday, 10), "ends_at": local(monday, 12)}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Votre réservation est validée." in html and "validée" in html
    assert db.session.scalars(select(Booking)).one().status == BookingStatus.APPROVED


def test_a_refusal_comes_back_422_next_to_the_field_with_the_form_filled_and_nothing_written(client, world, monday):
    first = book(world, world.other_member, monday, 10, 12)
    service.approve(first, world.manager)
    db.session.commit()
    log_in(client, world.member)
    response = client.submit(
        form_url(world), {"starts_at": local(monday, 11), "ends_at": local(monday, 13), "purpose": "Atelier couture"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="starts_at-error"' in html and "Ce créneau est déjà réservé." in html
    assert f'value="{local(monday, 11)}"' in html and "Atelier couture" in html
    assert 'aria-invalid="true"' in html
    assert count(Booking) == 1
    # The member of the other venue's name and purpose never show.
    assert world.other_member.name not in html


def test_a_missing_end_is_a_422_with_the_message_next_to_it(client, world, monday):
    log_in(client, world.member)
    response = client.submit(form_url(world), {"starts_at": local(monday, 10), "ends_at": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="ends_at-error"' in html and "Indiquez la fin" in html
    assert count(Booking) == 0


def test_a_kit_asks_for_units_and_shows_the_deposit(client, world, monday):
    log_in(client, world.member)
    url = f"/ressources/{world.kit.id}/reserver"
    html = client.get(f"{url}?debut={local(monday, 10)}&fin={local(monday, 12)}&quantite=2").get_data(as_text=True)
    assert 'name="quantity"' in html and 'value="2"' in html
    assert money(40000) in html  # the deposit of two units, from the engine
    response = client.submit(url, {"starts_at": local(monday, 10), "ends_at": local(monday, 12), "quantity": "5"})
    assert response.status_code == 422
    assert 'id="quantity-error"' in response.get_data(as_text=True)
    assert count(Booking) == 0


def test_the_machine_without_training_explains_why(client, world, monday):
    log_in(client, world.member)
    html = client.get(
        f"/ressources/{world.laser.id}/reserver?debut={local(monday, 10)}&fin={local(monday, 11)}"
    ).get_data(as_text=True)
    assert "habilitation" in html and "Impossible de réserver" in html


def test_who_cannot_book_sees_why_and_no_price(client, world, monday):
    log_in(client, world.outsider)  # the laser is for the consortium and its partners, with its training
    html = client.get(
        f"/ressources/{world.laser.id}/reserver?debut={local(monday, 10)}&fin={local(monday, 11)}"
    ).get_data(as_text=True)
    summary = html[html.index('id="summary-title"') :]
    assert "Impossible de réserver" in summary and "réservée au consortium" in summary and "habilitation" in summary
    assert "Prix" not in summary and money(0) not in summary


# --- Series ------------------------------------------------------------------------------------------


def test_series_preview_shows_each_occurrence_free_or_colliding(client, world, monday):
    taken = book(world, world.other_member, monday + timedelta(days=7), 10, 12)
    service.approve(taken, world.manager)
    db.session.commit()
    log_in(client, world.member)
    html = fragment(
        check_post(
            client,
            f"{form_url(world)}/verifier",
            {
                "starts_at": local(monday, 10),
                "ends_at": local(monday, 12),
                "repeat": "weekly",
                "interval": "1",
                "count": "3",
            },
        )
    )
    assert "2 occurrences libres" in html and "sur 3" in html
    assert html.count("✓ libre") == 2 and "Ce créneau est déjà réservé." in html
    assert money(4000) in html


def test_series_books_the_free_occurrences_or_none(client, world, monday):
    taken = book(world, world.other_member, monday + timedelta(days=7), 10, 12)
    service.approve(taken, world.manager)
    db.session.commit()
    log_in(client, world.member)
    data = {
        "starts_at": local(monday, 10),
        "ends_at": local(monday, 12),
        "repeat": "weekly",
        "interval": "1",
        "count": "3",
    }
    # All or nothing: one collides, so nothing is booked; the reason names its date.
    response = client.submit(form_url(world), data)
    assert response.status_code == 422
    assert "Ce créneau est déjà réservé." in response.get_data(as_text=True)
    assert count(Booking) == 1
    # The free ones.
    response = client.submit(form_url(world), {**data, "only_free": "y"})
    assert response.status_code == 303
    mine = db.session.scalars(select(Booking).where(Booking.requester_id == world.member.id)).all()
    assert len(mine) == 2 and mine[0].series_id is not None and mine[0].series_id == mine[1].series_id
    page = client.get("/reservations/").get_data(as_text=True)
    assert "Réservation récurrente" in page and "toutes les semaines" in page


def _series(client, world, monday) -> list[Booking]:
    client.submit(
        form_url(world),
        {
            "starts_at": local(monday, 10),
            "ends_at": local(monday, 12),
            "repeat": "weekly",
            "interval": "1",
            "count": "2",
            "only_free": "y",
        },
    )
    return db.session.scalars(select(Booking).order_by(Booking.starts_at)).all()


def test_a_series_is_cancelled_from_my_bookings_inline(client, world, monday):
    log_in(client, world.member)
    bookings = _series(client, world, monday)
    assert len(bookings) == 2
    page = client.get("/reservations/").get_data(as_text=True)
    url = f"/reservations/series/{bookings[0].series_id}/annuler"
    assert f'data-hx-post="{url}"' in page
    response = client.post(
        url,
        data={"next": "/reservations/"},
        headers={**HTMX, "HX-Target": "my-bookings", "X-CSRFToken": csrf_token_from(page)},
    )
    html = fragment(response)
    assert response.status_code == 200 and "2 occurrences de la série sont annulées." in html
    assert html.count("annulée") >= 2
    db.session.expire_all()
    assert {b.status for b in db.session.scalars(select(Booking))} == {BookingStatus.CANCELLED}


def test_a_series_is_cancelled_without_javascript_and_only_by_those_who_see_it(client, world, monday):
    log_in(client, world.member)
    bookings = _series(client, world, monday)
    url = f"/reservations/series/{bookings[0].series_id}/annuler"
    client.logout()
    log_in(client, world.other_member)
    assert client.get(url).status_code == 404
    token = csrf_token_from(client.get("/reservations/").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).status_code == 404
    client.logout()
    log_in(client, world.member)
    html = client.get(url).get_data(as_text=True)
    assert 'name="reason"' in html and "Confirmer l'annulation" in html
    response = client.submit(url, {"reason": "Fin du projet", "next": "/reservations/"})
    assert response.status_code == 303
    db.session.expire_all()
    assert {b.status for b in db.session.scalars(select(Booking))} == {BookingStatus.CANCELLED}


def test_series_without_end_or_count_is_refused_next_to_the_until_field(client, world, monday):
    log_in(client, world.member)
    response = client.submit(
        form_url(world),
        {"starts_at": local(monday, 10), "ends_at": local(monday, 12), "repeat": "daily", "only_free": "y"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="until-error"' in html and "Indiquez soit une date de fin" in html
    assert count(Booking) == 0


# --- Mes réservations ----------------------------------------------------------------------------------


def test_my_bookings_lists_upcoming_and_past_with_status(client, world, monday):
    upcoming = book(world, world.member, monday, 10, 12)
    past_day = monday - timedelta(weeks=5)  # a Monday, in the opening hours, whatever today is
    past = service.request_booking(
        world.room,
        world.member,
        moment(past_day, 10),
        moment(past_day, 11),
        now=moment(past_day, 8) - timedelta(days=1),
    )
    others = book(world, world.other_member, monday, 14, 16)
    db.session.commit()
    log_in(client, world.member)
    html = client.get("/reservations/").get_data(as_text=True)
    assert f'id="booking-{upcoming.id}"' in html and f'id="booking-{past.id}"' not in html
    assert f'id="booking-{others.id}"' not in html
    assert "en attente" in html and 'aria-current="page"' in html
    html = client.get("/reservations/?vue=passees").get_data(as_text=True)
    assert f'id="booking-{past.id}"' in html and f'id="booking-{upcoming.id}"' not in html
    # The tab asked by htmx gets the list alone.
    response = client.get("/reservations/?vue=passees", headers={**HTMX, "HX-Target": "my-bookings"})
    assert f'id="booking-{past.id}"' in fragment(response)


def test_my_bookings_is_paginated(client, world, monday, monkeypatch):
    monkeypatch.setattr(access, "PAGE_SIZE", 2)
    for hour in (9, 11, 13):
        book(world, world.member, monday, hour, hour + 1)
    log_in(client, world.member)
    html = client.get("/reservations/").get_data(as_text=True)
    assert html.count('id="booking-') == 2 and "Page suivante" in html
    html = client.get("/reservations/?page=2").get_data(as_text=True)
    assert html.count('id="booking-') == 1 and "Page précédente" in html


def test_my_bookings_needs_an_account(client):
    response = client.get("/reservations/")
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]


def test_nav_has_my_bookings_for_logged_in_users(client, world):
    assert "Mes réservations" not in client.get("/").get_data(as_text=True)
    log_in(client, world.member)
    assert 'href="/reservations/"' in client.get("/").get_data(as_text=True)


# --- Cancel ---------------------------------------------------------------------------------------------


def test_cancel_inline_replaces_the_row(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.member)
    page = client.get("/reservations/").get_data(as_text=True)
    assert "data-hx-confirm=" in page and f'data-hx-post="/reservations/{booking.id}/annuler"' in page
    token = csrf_token_from(page)
    response = client.post(
        f"/reservations/{booking.id}/annuler",
        data={"next": "/reservations/"},
        headers={**HTMX, "HX-Target": f"booking-{booking.id}", "X-CSRFToken": token},
    )
    html = fragment(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="booking-{booking.id}"') and "annulée" in html
    assert 'data-hx-swap-oob="innerHTML"' in html and "est annulée" in html
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED


def test_cancel_without_javascript_goes_through_a_confirmation_page(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.member)
    html = client.get(f"/reservations/{booking.id}/annuler?next=/reservations/").get_data(as_text=True)
    assert 'name="reason"' in html and "Confirmer l'annulation" in html
    assert db.session.get(Booking, booking.id).status == BookingStatus.REQUESTED  # a GET changes nothing
    response = client.submit(f"/reservations/{booking.id}/annuler", {"reason": "Plus besoin", "next": "/reservations/"})
    assert response.status_code == 303 and response.headers["Location"] == "/reservations/"
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED
    trail = access.history(db.session.get(Booking, booking.id))
    assert trail[-1].reason == "Plus besoin"


def test_a_manager_must_give_a_reason_to_cancel(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.manager)
    token = csrf_token_from(client.get(f"/reservations/{booking.id}").get_data(as_text=True))
    response = client.post(
        f"/reservations/{booking.id}/annuler",
        data={},
        headers={**HTMX, "HX-Target": f"booking-{booking.id}", "X-CSRFToken": token},
    )
    assert response.status_code == 422 and "Indiquez un motif." in fragment(response)
    response = client.submit(
        f"/reservations/{booking.id}/annuler", {"reason": ""}, page=f"/reservations/{booking.id}/annuler"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="reason-error"' in html
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.REQUESTED
    response = client.submit(
        f"/reservations/{booking.id}/annuler",
        {"reason": "Salle en travaux"},
        page=f"/reservations/{booking.id}/annuler",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED


def test_another_member_cannot_cancel_nor_see_the_confirmation(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.other_member)
    assert client.get(f"/reservations/{booking.id}/annuler").status_code == 404
    token = csrf_token_from(client.get("/reservations/").get_data(as_text=True))
    response = client.post(f"/reservations/{booking.id}/annuler", data={"csrf_token": token})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.REQUESTED


# --- A booking's page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("member", 200),
        ("manager", 200),
        ("coordinator", 200),
        ("other_member", 404),
        ("other_manager", 404),
    ],
)
def test_who_sees_a_booking(client, world, monday, who, status):
    booking = book(world, world.member, monday, 10, 12, purpose="Réunion du bureau")
    log_in(client, getattr(world, who))
    response = client.get(f"/reservations/{booking.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == status
    if status == 404:
        assert "Réunion du bureau" not in html and world.member.name not in html
    else:
        assert "Réunion du bureau" in html and money(2000) in html
        assert "Demande envoyée" in html  # the history
        assert f"/calendriers/reservations/{booking.id}.ics" in html or f"reservations/{booking.id}.ics" in html


def test_a_booking_page_needs_an_account_and_missing_ones_are_404(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    response = client.get(f"/reservations/{booking.id}")
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]
    log_in(client, world.member)
    assert client.get("/reservations/999999").status_code == 404


def test_the_page_lists_allowed_actions_and_the_agreement_once_approved(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.member)
    html = client.get(f"/reservations/{booking.id}").get_data(as_text=True)
    assert "Modifier la réservation" in html and "Annuler la réservation" in html
    assert "/conventions/" not in html
    service.approve(booking, world.manager, "Bienvenue")
    db.session.commit()
    html = client.get(f"/reservations/{booking.id}").get_data(as_text=True)
    assert "validée" in html and "Bienvenue" in html
    match = re.search(r'href="/conventions/(\d+)"', html)
    assert match, "the agreement link is missing"
    assert client.get(f"/conventions/{match[1]}").status_code == 200
    html = client.get("/reservations/").get_data(as_text=True)
    assert f'href="/conventions/{match[1]}"' in html
    # The manager sees the decisions belong to the desk, not a cancel without reason.
    client.logout()
    log_in(client, world.manager)
    html = client.get(f"/reservations/{booking.id}").get_data(as_text=True)
    assert "Obligatoire" in html


def test_notification_links_lead_to_the_booking_page(app, world, monday):
    from app.notifications.links import booking_url

    booking = book(world, world.member, monday, 10, 12)
    assert booking_url(booking).endswith(f"/reservations/{booking.id}")


# --- Edit --------------------------------------------------------------------------------------------


def test_moving_an_approved_booking_waits_for_a_manager_and_keeps_it_as_it_was(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    service.approve(booking, world.manager)
    db.session.commit()
    log_in(client, world.member)
    html = client.get(f"/reservations/{booking.id}/modifier").get_data(as_text=True)
    assert f'value="{local(monday, 10)}"' in html and "attend l'accord d'un·e gestionnaire" in html
    response = client.submit(
        f"/reservations/{booking.id}/modifier",
        {"starts_at": local(monday, 14), "ends_at": local(monday, 16)},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Votre demande de modification est transmise au lieu." in html
    assert "Modification en attente de décision" in html
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == BookingStatus.APPROVED and booking.starts_at == moment(monday, 10)
    assert service.pending_change_of(booking).starts_at == moment(monday, 14)


def test_shortening_an_approved_booking_keeps_it_approved(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    service.approve(booking, world.manager)
    db.session.commit()
    log_in(client, world.member)
    response = client.submit(
        f"/reservations/{booking.id}/modifier",
        {"starts_at": local(monday, 10), "ends_at": local(monday, 11)},
        follow_redirects=True,
    )
    assert "La modification est enregistrée." in response.get_data(as_text=True)
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == BookingStatus.APPROVED and booking.price_cents == 1000


def test_an_edit_onto_a_taken_slot_is_refused_and_changes_nothing(client, world, monday):
    other = book(world, world.other_member, monday, 14, 16)
    service.approve(other, world.manager)
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.member)
    response = client.submit(
        f"/reservations/{booking.id}/modifier", {"starts_at": local(monday, 15), "ends_at": local(monday, 17)}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="starts_at-error"' in html and f'value="{local(monday, 15)}"' in html
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).starts_at == moment(monday, 10)


def test_the_edit_page_tells_live_what_the_change_would_do_and_writes_nothing(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    service.approve(booking, world.manager)
    other = book(world, world.other_member, monday, 14, 16)
    service.approve(other, world.manager)
    db.session.commit()
    log_in(client, world.member)
    url = f"/reservations/{booking.id}/modifier/verifier"

    shorter = fragment(
        check_post(client, url, {"starts_at": local(monday, 10), "ends_at": local(monday, 11)}, target="edit-summary")
    )
    assert "Cette modification est possible." in shorter and "La réservation reste validée." in shorter
    assert money(1000) in shorter and money(2000) in shorter  # the new price, and the one it replaces
    moved = fragment(
        check_post(client, url, {"starts_at": local(monday, 9), "ends_at": local(monday, 12)}, target="edit-summary")
    )
    assert "La modification attendra l'accord" in moved and money(3000) in moved
    taken = fragment(
        check_post(client, url, {"starts_at": local(monday, 15), "ends_at": local(monday, 17)}, target="edit-summary")
    )
    assert "Modification impossible" in taken and "déjà réservé" in taken

    # Without JavaScript: the edit page, filled, with the same summary.
    response = client.submit(
        url, {"starts_at": local(monday, 9), "ends_at": local(monday, 12)}, page=f"/reservations/{booking.id}/modifier"
    )
    html = response.get_data(as_text=True)
    assert "<html" in html and f'value="{local(monday, 9)}"' in html and "La modification attendra l'accord" in html
    db.session.expire_all()
    unchanged = db.session.get(Booking, booking.id)
    assert (unchanged.starts_at, unchanged.status, unchanged.revision) == (
        moment(monday, 10),
        BookingStatus.APPROVED,
        0,
    )
    # Someone who cannot see the booking learns nothing.
    client.logout()
    log_in(client, world.other_member)
    assert (
        check_post(
            client, url, {"starts_at": local(monday, 9), "ends_at": local(monday, 12)}, target="edit-summary"
        ).status_code
        == 404
    )


def test_others_cannot_edit(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    service.cancel(booking, world.member)
    db.session.commit()
    log_in(client, world.other_member)
    assert client.get(f"/reservations/{booking.id}/modifier").status_code == 404
    client.logout()
    log_in(client, world.member)
    assert client.get(f"/reservations/{booking.id}/modifier").status_code == 403  # cancelled: nothing to edit


# --- Waitlist --------------------------------------------------------------------------------------------


def test_a_taken_slot_offers_the_waitlist_and_the_member_can_leave_it(client, world, monday):
    taken = book(world, world.other_member, monday, 10, 12)
    service.approve(taken, world.manager)
    db.session.commit()
    log_in(client, world.member)
    page = client.get(f"{form_url(world)}?debut={local(monday, 10)}&fin={local(monday, 12)}").get_data(as_text=True)
    assert "M'inscrire sur la liste d'attente" in page
    response = client.submit(
        f"/ressources/{world.room.id}/liste-attente",
        {"starts_at": local(monday, 10), "ends_at": local(monday, 12), "quantity": "1"},
        page=f"{form_url(world)}?debut={local(monday, 10)}&fin={local(monday, 12)}",
    )
    assert response.status_code == 303 and response.headers["Location"] == "/reservations/"
    entry = db.session.scalars(select(WaitlistEntry)).one()
    html = client.get("/reservations/").get_data(as_text=True)
    assert f'id="waitlist-{entry.id}"' in html and "En attente" in html
    # Another member cannot take it off the list.
    client.logout()
    log_in(client, world.other_member)
    token = csrf_token_from(client.get("/reservations/").get_data(as_text=True))
    assert client.post(f"/reservations/attente/{entry.id}/quitter", data={"csrf_token": token}).status_code == 404
    client.logout()
    log_in(client, world.member)
    token = csrf_token_from(client.get("/reservations/").get_data(as_text=True))
    response = client.post(
        f"/reservations/attente/{entry.id}/quitter",
        data={},
        headers={**HTMX, "HX-Target": f"waitlist-{entry.id}", "X-CSRFToken": token},
    )
    html = fragment(response)
    assert "Vous avez quitté cette liste" in html
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, entry.id).status == WaitlistStatus.WITHDRAWN


def test_a_free_slot_does_not_offer_the_waitlist(client, world, monday):
    log_in(client, world.member)
    page = client.get(f"{form_url(world)}?debut={local(monday, 10)}&fin={local(monday, 12)}").get_data(as_text=True)
    assert "liste d'attente" not in page.split('id="booking-summary"')[1]


# --- Language -----------------------------------------------------------------------------------------


def test_the_pages_speak_english_when_asked(client, world, monday):
    booking = book(world, world.member, monday, 10, 12)
    log_in(client, world.member)
    client.submit("/langue", {"locale": "en", "next": "/reservations/"}, page="/reservations/")
    html = client.get("/reservations/").get_data(as_text=True)
    assert "My bookings" in html and "pending" in html
    html = client.get(f"{form_url(world)}?debut={local(monday, 14)}&fin={local(monday, 16)}").get_data(as_text=True)
    assert "This slot is free." in html and "€20.00" in html
    html = client.get(f"/reservations/{booking.id}").get_data(as_text=True)
    assert "History" in html


def test_a_date_out_of_reach_is_refused_next_to_its_field_and_stays_typed(client, world):
    """The year 9999 (which used to make the price loop for minutes) is refused at the edge."""
    log_in(client, world.member)
    response = client.submit(form_url(world), {"starts_at": "2027-03-02T10:00", "ends_at": "9999-12-31T18:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choisissez une date entre le" in page
    assert 'value="9999-12-31T18:00"' in page
    assert count(Booking) == 0
