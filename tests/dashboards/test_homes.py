"""The homes after login: the member's (next bookings, agreements to accept, invoices to pay, the
"what is free" search box) and the manager's (today's kits, requests oldest first with their
collisions, closures to confirm, newcomers waiting for an answer)."""

from __future__ import annotations

import re
from datetime import time, timedelta

from app.core.clock import paris_to_utc, paris_today, utcnow
from app.extensions import db
from app.models import BookingStatus, Closure, ClosureStatus, Theme
from app.newcomers.models import RequestStatus, SupportKind, TestSpaceRequest
from tests.factories import PASSWORD
from tests.factories.agreements import approve, make_booking
from tests.factories.billing import make_billing_world, paid_booking
from tests.factories.manage import build_consortium
from tests.helpers import log_in, page_text


def _section(page: str, title_id: str) -> str:
    """The text of the home's section whose heading has this id."""
    start = page.index(f'id="{title_id}"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : page.index("</section>", start)]))


def test_logging_in_leads_to_the_members_home_with_what_waits_for_them(client, clock):
    world = make_billing_world()
    starts = paris_to_utc(paris_today() + timedelta(days=5), time(9))
    booking = paid_booking(world.space, world.borrower, starts, price_cents=4500)
    approve(booking, actor=world.manager)
    db.session.commit()

    response = client.login(world.borrower.email, PASSWORD)
    assert response.headers["Location"] == "/tableau-de-bord"
    page = page_text(client.get("/tableau-de-bord"))
    assert world.space.name in _section(page, "next-title") and "validée" in _section(page, "next-title")
    assert world.venue.name in _section(page, "next-title")
    agreements = _section(page, "agreements-title")
    assert re.search(r"Convention FNT-\d{4}-\d{4}", agreements)
    invoices = _section(page, "invoices-title")
    assert re.search(r"Facture F-\d{4}-0001 · 45,00\s€ à régler avant le", invoices)
    # The "what is free" box sends the catalogue search.
    assert re.search(r'<form method="get" action="/ressources/" class="search-form">', page)
    assert 'name="debut"' in page and 'name="fin"' in page
    assert "Gestion de vos lieux" not in page  # a member manages nothing


def test_a_member_with_nothing_waiting_is_told_so(client):
    world = build_consortium()
    log_in(client, world.member)
    page = page_text(client.get("/tableau-de-bord"))
    assert "Aucune réservation à venir." in page
    assert "Aucune convention n'attend votre acceptation." in page and "Aucune facture à régler." in page


def test_the_managers_home_lists_todays_kits_waiting_requests_oldest_first_collisions_closures_and_newcomers(client):
    world = build_consortium()
    now = utcnow()
    later = paris_to_utc(paris_today() + timedelta(days=8), time(10))
    first = make_booking(world.room, world.member, later, 2, purpose="Réunion du bureau")
    first.created_at = now - timedelta(days=3)
    second = make_booking(world.room, world.other_manager, later + timedelta(hours=1), 2, purpose="Atelier")
    second.created_at = now - timedelta(days=1)
    elsewhere = make_booking(world.workshop, world.member, later, 2)  # another venue: not theirs
    kit = make_booking(world.kit, world.member, now - timedelta(hours=1), 3)  # begun, not handed over
    kit.status = BookingStatus.APPROVED
    db.session.add(
        Closure(
            venue=world.venue,
            starts_at=later + timedelta(days=2),
            ends_at=later + timedelta(days=3),
            reason="Inventaire du consortium",
            status=ClosureStatus.PROPOSED,
        )
    )
    theme = Theme(slug="art", name_fr="Art", name_en="Art", position=1)
    newcomer = TestSpaceRequest(
        status=RequestStatus.NEW,
        venue=world.venue,
        name="Nina Nouvelle",
        email="nina@test.example",
        project_title="Une radio de quartier",
        project_description="Des émissions faites par les habitants.",
        support_kind=SupportKind.TEST_SPACE,
        period_start=paris_today(),
        period_end=paris_today() + timedelta(days=30),
        consent_at=now,
        retention_days=365,
        created_at=now - timedelta(days=2),
    )
    newcomer.themes.append(theme)
    db.session.add(newcomer)
    db.session.commit()

    log_in(client, world.manager)
    page = page_text(client.get("/tableau-de-bord"))
    waiting = _section(page, "waiting-title")
    assert "(2)" in waiting
    assert waiting.index("Camille Martin") < waiting.index("Bruno Brique")  # the oldest request first
    assert waiting.count("en conflit avec 1 autre demande") == 2
    assert world.workshop.name not in waiting and f"/reservations/{elsewhere.id}" not in page
    collisions = _section(page, "collisions-title")
    assert "en même temps que : Bruno Brique" in collisions and "en même temps que : Camille Martin" in collisions
    assert "Inventaire du consortium" in _section(page, "closures-title")
    assert "Une radio de quartier · Nina Nouvelle" in _section(page, "newcomers-title")
    kits = page[page.index('id="kits-title"') :]
    assert "Kit exposition" in kits[: kits.index("À reprendre")]
    # The member's part stays above it.
    assert page.index('id="next-title"') < page.index("Gestion de vos lieux")


def test_the_managers_home_says_when_nothing_waits(client):
    world = build_consortium()
    log_in(client, world.other_manager)
    page = page_text(client.get("/tableau-de-bord"))
    assert "Aucune demande en attente." in page and "Aucun conflit entre les demandes." in page
    assert "Aucune fermeture à confirmer." in page and "Aucun porteur de projet n'attend de réponse." in page
    assert "Aucun kit à remettre aujourd'hui." in page


def test_the_home_needs_an_account(client):
    response = client.get("/tableau-de-bord")
    assert response.status_code in (302, 303) and "/compte/connexion" in response.headers["Location"]


def test_the_members_home_lists_the_events_they_registered_for(client, clock):
    from app.events import registrations, rules
    from tests.events.conftest import build_events_world, draft, evening

    world = build_events_world()
    [full] = rules.create_event(draft(world, *evening(3), title="Atelier complet", capacity=1), world.manager)
    [apero] = rules.create_event(draft(world, *evening(2)), world.manager)
    registrations.register(full, name="Quelqu'un", email="autre@test.example", consent=True)
    registrations.register(full, user=world.member)
    registrations.register(apero, user=world.member)
    db.session.commit()

    log_in(client, world.member)
    seats = _section(page_text(client.get("/tableau-de-bord")), "events-title")
    assert seats.index(apero.title) < seats.index("Atelier complet")  # soonest first
    assert "Atelier complet" in seats and "en liste d'attente" in seats
    assert world.venue.name in seats
