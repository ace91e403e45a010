"""A closure (the venue's own, or a consortium closure once confirmed) or an out-of-service period
over existing bookings: the manager sees which bookings it hits, who booked what, and for each one
cancels it with a reason (the member is emailed) or keeps it as an exception."""

from __future__ import annotations

import re
from datetime import time, timedelta

from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Closure,
    ClosureStatus,
    ConsortiumClosure,
    KeptBooking,
    ResourceOutage,
    utcnow,
)
from tests.factories import make_organisation, make_user
from tests.factories.manage import build_consortium
from tests.helpers import log_in, page_text, text_of


def _booking(world, resource, who, starts_at, hours=2, status=BookingStatus.APPROVED, purpose="Atelier"):
    booking = Booking(
        resource_id=resource.id,
        requester_id=who.id,
        organisation_id=who.organisation_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        holds_until=starts_at + timedelta(hours=hours),
        status=status,
        purpose=purpose,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def _hit_card(response, booking) -> str:
    html = response.get_data(as_text=True)
    start = html.index(f'id="hit-{booking.id}"')
    return text_of(html[start : html.index("</li>", start)])


def test_a_new_closure_shows_the_bookings_it_hits_and_each_is_cancelled_or_kept(client, outbox):
    world = build_consortium()
    other = make_user("voisin@example.org", "Dominique Petit", organisation=make_organisation("Collectif B"))
    day = (utcnow() + timedelta(days=20)).replace(hour=9, minute=0, second=0, microsecond=0)
    cancelled = _booking(world, world.room, world.member, day, purpose="Répétition")
    kept = _booking(world, world.kit, other, day + timedelta(hours=3))
    outside = _booking(world, world.room, other, day + timedelta(days=3))
    log_in(client, world.manager)
    paris_day = (day + timedelta(hours=1)).date().isoformat()
    response = client.submit(
        f"/gestion/lieux/{world.venue.slug}/fermetures",
        {"starts_on": paris_day, "ends_on": paris_day, "reason": "Dégât des eaux"},
    )
    (closure,) = db.session.scalars(db.select(Closure))
    hits_url = f"/gestion/lieux/{world.venue.slug}/fermetures/{closure.id}/reservations"
    assert response.status_code == 303 and response.headers["Location"] == hits_url
    page = client.get(hits_url)
    text = page_text(page)
    assert "2 réservations tombent pendant cette période" in text
    assert "Réservée par Camille Martin" in _hit_card(page, cancelled) and "Répétition" in _hit_card(page, cancelled)
    assert "Kit exposition" in _hit_card(page, kept) and "Dominique Petit (Collectif B)" in _hit_card(page, kept)
    assert f'id="hit-{outside.id}"' not in page.get_data(as_text=True)

    # Cancelling needs a reason, which the member receives.
    refused = client.submit(f"{hits_url}/{cancelled.id}", {"choix": "annuler", "reason": ""}, page=hits_url)
    assert refused.status_code == 422 and "Indiquez un motif." in _hit_card(refused, cancelled)
    response = client.submit(
        f"{hits_url}/{cancelled.id}",
        {"choix": "annuler", "reason": "Le lieu est fermé (dégât des eaux)."},
        page=hits_url,
    )
    assert response.status_code == 303
    response = client.submit(f"{hits_url}/{kept.id}", {"choix": "maintenir", "reason": ""}, page=hits_url)
    assert response.status_code == 303

    db.session.expire_all()
    assert db.session.get(Booking, cancelled.id).status == BookingStatus.CANCELLED
    assert db.session.get(Booking, kept.id).status == BookingStatus.APPROVED
    assert db.session.scalar(db.select(KeptBooking.booking_id)) == kept.id
    (mail,) = [m for m in outbox.messages() if m["To"] == world.member.email]
    assert "Le lieu est fermé (dégât des eaux)." in mail.get_body(("plain",)).get_content()
    page = client.get(hits_url)
    assert "Maintenue par exception." in _hit_card(page, kept) and f'id="hit-{cancelled.id}"' not in page_text(page)
    assert "à traiter" not in page_text(client.get(f"/gestion/lieux/{world.venue.slug}/fermetures"))


def test_a_consortium_closure_confirmed_by_the_venue_shows_the_bookings_it_hits(client):
    world = build_consortium()
    now = utcnow()
    proposal = ConsortiumClosure(
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=11),
        reason="Journée du consortium",
        proposed_by_id=world.coordinator.id,
    )
    proposal.closures.append(
        Closure(
            venue_id=world.venue.id,
            starts_at=proposal.starts_at,
            ends_at=proposal.ends_at,
            reason=proposal.reason,
            status=ClosureStatus.PROPOSED,
        )
    )
    db.session.add(proposal)
    db.session.commit()
    booking = _booking(world, world.laser, world.member, now + timedelta(days=10, hours=2))
    (closure,) = proposal.closures
    log_in(client, world.manager)
    closures_url = f"/gestion/lieux/{world.venue.slug}/fermetures"
    assert "à traiter" not in page_text(client.get(closures_url))  # proposed: not in force yet

    response = client.submit(f"{closures_url}/{closure.id}/confirmer", {}, page=closures_url)
    hits_url = f"{closures_url}/{closure.id}/reservations"
    assert response.status_code == 303 and response.headers["Location"] == hits_url
    page = client.get(hits_url)
    assert "1 réservation tombe pendant cette période" in page_text(page)
    assert "Découpeuse laser" in _hit_card(page, booking) and "Camille Martin" in _hit_card(page, booking)
    assert "1 réservation touchée à traiter" in page_text(client.get(closures_url))


def test_a_kit_out_of_service_refuses_bookings_with_its_reason_shows_everywhere_and_lists_those_it_hits(client):
    from app.bookings import service
    from app.bookings.errors import Code
    from app.core.clock import paris_to_utc, paris_today

    world = build_consortium()
    today = paris_today(utcnow())
    day = today + timedelta(days=6)
    hit = _booking(world, world.kit, world.member, paris_to_utc(day, time(10)))
    log_in(client, world.manager)
    url = f"/gestion/lieux/{world.venue.slug}/ressources/{world.kit.id}/hors-service"
    missing = client.submit(url, {"starts_on": today.isoformat(), "ends_on": day.isoformat(), "reason": ""})
    assert missing.status_code == 422 and "Indiquez le motif : maintenance, panne…" in page_text(missing)
    response = client.submit(url, {"starts_on": today.isoformat(), "ends_on": day.isoformat(), "reason": "Révision"})
    (outage,) = db.session.scalars(db.select(ResourceOutage))
    hits_url = f"/gestion/lieux/{world.venue.slug}/hors-service/{outage.id}/reservations"
    assert response.status_code == 303 and response.headers["Location"] == hits_url
    page = client.get(hits_url)
    assert "« Kit exposition » hors service" in page_text(page) and "Camille Martin" in _hit_card(page, hit)
    assert client.submit(f"{hits_url}/{hit.id}", {"choix": "maintenir"}, page=hits_url).status_code == 303
    assert "à traiter" not in page_text(client.get(url))

    # A new booking over the period is refused, with the reason.
    check = service.check_booking(
        world.kit, world.member, paris_to_utc(day, time(14)), paris_to_utc(day, time(16)), now=utcnow()
    )
    (reason,) = [r for r in check.reasons if r.code == Code.OUT_OF_SERVICE]
    assert "« Kit exposition » est hors service du" in str(reason.message) and "Révision" in str(reason.message)
    db.session.rollback()
    # Shown as such: the venue's catalogue, the kit's calendar, the managers' planning.
    venue_page = text_of(client.get(f"/lieux/{world.venue.slug}").get_data(as_text=True))
    assert "Hors service jusqu'au" in venue_page and "Révision" in venue_page
    week = day.isocalendar()
    calendar = client.get(f"/ressources/{world.kit.id}?semaine={week[0]}-W{week[1]:02d}").get_data(as_text=True)
    assert re.search(
        r'class="slot out_of_service gc-\d gr-\d+ gh-\d+"( rowspan="\d+")?>Hors service', calendar
    )  # one block (issue 22)
    planning = text_of(client.get(f"/gestion/planning?lieu={world.venue.slug}&jour={day}").get_data(as_text=True))
    assert "Hors service" in planning and "Révision" in planning
