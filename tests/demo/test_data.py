"""The demo consortium: what ``flask demo load`` creates, that it is usable as is, and when it refuses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.bookings.errors import Code
from app.bookings.hours import hours_for, intervals_on
from app.bookings.rules import check_booking
from app.core.clock import PARIS, paris_to_utc
from app.demo.content import DEMO_ACCOUNTS, DEMO_PASSWORD, VENUES
from app.demo.data import DemoRefused, load_demo
from app.extensions import db
from app.models import (
    Audience,
    Booking,
    OpeningHours,
    Organisation,
    OrganisationKind,
    Qualification,
    Resource,
    ResourceKind,
    TariffAudience,
    Theme,
    User,
    Venue,
    VenueRole,
    utcnow,
)
from app.newcomers.models import NewcomerRoute, SupportKind
from app.newcomers.routing import DEFAULT_ROUTES, route_request

VENUE_THEMES = {
    "la-machinerie": {"fablab", "mediation-scientifique"},
    "ile-aux-fruits": {"ecologie-maraichage-bio"},
    "maison-du-colonel": {"participation-citoyenne"},
    "alco": {"participation-citoyenne"},
    "la-briqueterie": {"experimentation-artistique"},
    "lam": {"experimentation-artistique", "creation-espace-public"},
}

# The resources the issue asks for: (venue, slug) -> (kind, units, requires training, test space).
REQUIRED_RESOURCES = {
    ("la-machinerie", "decoupeuse-laser"): (ResourceKind.MACHINE, 1, True, False),
    ("la-machinerie", "fraiseuse-cnc"): (ResourceKind.MACHINE, 1, True, False),
    ("la-machinerie", "imprimante-3d-1"): (ResourceKind.MACHINE, 1, False, False),
    ("la-machinerie", "imprimante-3d-2"): (ResourceKind.MACHINE, 1, False, False),
    ("la-machinerie", "imprimante-3d-3"): (ResourceKind.MACHINE, 1, False, False),
    ("la-machinerie", "salle-verriere"): (ResourceKind.SPACE, 1, False, False),
    ("la-machinerie", "coworking"): (ResourceKind.SPACE, 1, False, False),
    ("ile-aux-fruits", "parcelle-test"): (ResourceKind.SPACE, 1, False, True),
    ("ile-aux-fruits", "serre-pedagogique"): (ResourceKind.SPACE, 1, False, False),
    ("ile-aux-fruits", "kit-jardinage"): (ResourceKind.KIT, 5, False, False),
    ("alco", "salle-polyvalente"): (ResourceKind.SPACE, 1, False, False),
    ("alco", "cuisine"): (ResourceKind.SPACE, 1, False, False),
    ("alco", "tablettes-mediation"): (ResourceKind.KIT, 12, False, False),
    ("la-briqueterie", "studio-repetition"): (ResourceKind.SPACE, 1, False, False),
    ("la-briqueterie", "espace-exposition"): (ResourceKind.SPACE, 1, False, False),
    ("lam", "atelier-artiste"): (ResourceKind.SPACE, 1, False, True),
    ("lam", "kit-son"): (ResourceKind.KIT, 2, False, False),
    ("maison-du-colonel", "salle-du-cafe"): (ResourceKind.SPACE, 1, False, False),
}

MANAGERS = {
    "la-machinerie": "gestion.machinerie@example.org",
    "ile-aux-fruits": "gestion.ileauxfruits@example.org",
    "maison-du-colonel": "gestion.colonel@example.org",
    "alco": "gestion.alco@example.org",
    "la-briqueterie": "gestion.briqueterie@example.org",
    "lam": "gestion.lam@example.org",
}


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(sa.func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def resource(venue_slug: str, slug: str) -> Resource:
    return db.session.scalar(select(Resource).join(Venue).where(Venue.slug == venue_slug, Resource.slug == slug))


def test_the_demo_creates_the_six_venues_with_their_themes(app):
    assert load_demo(production=False) is True

    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    assert [t.position for t in themes] == [1, 2, 3, 4, 5, 6]
    assert all(t.name_fr and t.name_en and t.name_fr != t.name_en for t in themes)

    venues = {v.slug: v for v in db.session.scalars(select(Venue))}
    assert {slug: {t.slug for t in v.themes} for slug, v in venues.items()} == VENUE_THEMES
    assert [slug for slug, v in venues.items() if v.is_lead] == ["la-machinerie"]
    for venue in venues.values():
        assert venue.city == "Amiens" and venue.postal_code in {"80000", "80080", "80090"}
        assert venue.street and venue.email and venue.phone
        assert venue.short_description and len(venue.description) > len(venue.short_description)
        assert venue.representative_name and venue.representative_role
        assert venue.opening_hours, f"{venue.slug} has no opening hours"
        assert all(hours.resource_id is None for hours in venue.opening_hours)
    # Each venue is also an organisation of the consortium, a party to agreements.
    venue_organisations = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.VENUE)
    ).all()
    assert {o.name for o in venue_organisations} == {v.name for v in venues.values()}
    assert {o.audience for o in venue_organisations} == {Audience.CONSORTIUM}
    # Organisations of every audience.
    audiences = set(db.session.scalars(select(Organisation.audience)))
    assert {Audience.CONSORTIUM, Audience.PARTNER, Audience.EXTERNAL} <= audiences
    # The billing demo's bookings (``app.demo.billing``), made by the engine as of past moments, are
    # all past: every slot to come is free for the tests and the visitors.
    billed = db.session.scalars(
        select(Booking).join(Booking.requester).where(User.email == "externe@example.org")
    ).all()
    assert billed and all(booking.ends_at < utcnow() for booking in billed)


def test_the_demo_has_bookings_requests_and_a_closure_around_now(app):
    """Made through the engine around the moment it is loaded (app/demo/bookings.py), so that the homes,
    the desk and the planning are not empty; none on the space the tests and benchmarks measure."""
    from app.core.clock import paris_today
    from app.models import BookingStatus, Closure

    load_demo(production=False)
    # The billing demo's bookings (of externe@example.org) are past; these are around now.
    bookings = db.session.scalars(
        select(Booking).join(Booking.requester).where(Booking.kind != "event", User.email != "externe@example.org")
    ).all()
    statuses = [b.status for b in bookings]
    assert statuses.count(BookingStatus.APPROVED) >= 6 and statuses.count(BookingStatus.REQUESTED) >= 2
    today = paris_today()
    days = {(b.starts_at.astimezone(PARIS).date() - today).days for b in bookings}
    assert min(days) >= 0 and max(days) <= 20
    mine = [b for b in bookings if b.requester.email == "membre@example.org"]
    assert len(mine) >= 3 and all(b.status == BookingStatus.APPROVED for b in mine)
    assert not {b.resource.slug for b in bookings} & {"salle-verriere", "coworking"}
    assert any(b.resource.venue.slug == "la-machinerie" and b.status == BookingStatus.REQUESTED for b in bookings)
    closure = db.session.scalars(select(Closure)).one()
    assert closure.reason == "Assemblée générale du FabLab" and closure.venue.slug == "la-machinerie"


def test_the_demo_resources_have_their_kinds_units_training_and_tariffs(app):
    load_demo(production=False)

    resources = {(r.venue.slug, r.slug): r for r in db.session.scalars(select(Resource))}
    for key, (kind, units, training, test_space) in REQUIRED_RESOURCES.items():
        found = resources.get(key)
        assert found is not None, f"missing {key}"
        assert (found.kind, found.units, found.requires_training, found.is_test_space) == (
            kind,
            units,
            training,
            test_space,
        ), key
    for venue in VENUES:
        slugs = [r.slug for r in venue.resources]
        assert len(slugs) == len(set(slugs)), f"slugs repeated in {venue.slug}"

    printers = [r for (venue, slug), r in resources.items() if slug.startswith("imprimante-3d")]
    assert len(printers) == 3 and {p.machine_type for p in printers} == {"imprimante-3d"}
    for r in resources.values():
        assert r.tariff_for(TariffAudience.CONSORTIUM) is not None, r.slug
        assert r.min_duration_minutes <= (r.max_duration_minutes or r.min_duration_minutes)
        if r.kind == ResourceKind.SPACE:
            assert r.capacity, r.slug
        if r.kind == ResourceKind.MACHINE:
            assert r.machine_type and r.documentation, r.slug
        if r.kind == ResourceKind.KIT:
            assert r.deposit_cents > 0 and len(r.checklist_items) >= 3, r.slug
    laser = resources[("la-machinerie", "decoupeuse-laser")]
    assert laser.tariff_for(TariffAudience.CONSORTIUM).hour_cents < laser.tariff_for(TariffAudience.PARTNER).hour_cents
    # The FabLab's machines keep their own hours (Tuesday to Saturday), the building opens on Monday.
    assert {h.weekday for h in laser.opening_hours} == {1, 2, 3, 4, 5}
    assert 0 in {h.weekday for h in laser.venue.opening_hours}


def test_every_demo_account_logs_in_through_the_form(app, client):
    load_demo(production=False)

    for account in DEMO_ACCOUNTS:
        response = client.login(account.email, DEMO_PASSWORD)
        assert response.status_code == 303, account.email
        page = client.get("/compte/").get_data(as_text=True)
        assert account.name in page, account.email
        client.logout()
    assert client.login("membre@example.org", "mauvais-mot-de-passe").status_code == 422


def test_coordinator_and_manager_roles(app, client):
    load_demo(production=False)

    coordinator = user("coordination@example.org")
    assert coordinator.is_coordinator and not coordinator.is_manager
    for venue_slug, email in MANAGERS.items():
        venue = db.session.scalar(select(Venue).where(Venue.slug == venue_slug))
        assert [m.email for m in venue.managers] == [email]
    assert sum(u.is_coordinator for u in db.session.scalars(select(User))) == 1
    member = user("membre@example.org")
    assert member.audience == Audience.CONSORTIUM and member.organisation.kind == OrganisationKind.ASSOCIATION
    assert [(m.venue.slug, m.role) for m in member.memberships] == [("la-machinerie", VenueRole.MEMBER)]
    assert user("partenaire@example.org").audience == Audience.PARTNER
    assert user("externe@example.org").audience == Audience.EXTERNAL

    # What each role sees in the administration pages.
    client.login("coordination@example.org", DEMO_PASSWORD)
    assert client.get("/gestion/coordination/lieux").status_code == 200
    client.logout()
    client.login("gestion.machinerie@example.org", DEMO_PASSWORD)
    assert client.get("/gestion/lieux/la-machinerie/ressources").status_code == 200
    assert client.get("/gestion/lieux/alco/ressources").status_code == 404
    assert client.get("/gestion/coordination/lieux").status_code == 403
    client.logout()
    client.login("membre@example.org", DEMO_PASSWORD)
    assert client.get("/gestion/").status_code == 403


def _next_paris_day(weekday: int, after: datetime) -> date:
    """The first date in Paris after ``after`` that falls on this weekday."""
    day = after.astimezone(PARIS).date() + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_the_booking_engine_accepts_the_demo_as_it_is(app):
    """Every resource can be asked for its minimum duration at its first opening after the notice,
    by a consortium member (a trained one for machines that need it)."""
    load_demo(production=False)
    now = utcnow()
    trained = {q.resource_id: q.user for q in db.session.scalars(select(Qualification)) if q.is_valid_at(now)}
    coordinator = user("coordination@example.org")

    resources = db.session.scalars(select(Resource)).all()
    hours = hours_for(resources)
    for r in resources:
        day = _next_paris_day(0, now + timedelta(minutes=r.notice_minutes))  # a Monday: every weekday is tried
        while not intervals_on(hours[r.id], day.weekday()):
            day += timedelta(days=1)
        starts_at = paris_to_utc(day, intervals_on(hours[r.id], day.weekday())[0][0])
        who = trained[r.id] if r.requires_training else coordinator
        check = check_booking(r, who, starts_at, starts_at + timedelta(minutes=r.min_duration_minutes), now=now)
        assert check.ok, (r.venue.slug, r.slug, check.codes)


def test_demo_qualifications_and_audiences_decide_who_may_book_the_laser(app):
    load_demo(production=False)
    now = utcnow()
    laser = resource("la-machinerie", "decoupeuse-laser")
    tuesday = _next_paris_day(1, now + timedelta(days=1))
    starts_at = paris_to_utc(tuesday, time(10, 0))
    ends_at = starts_at + timedelta(hours=1)

    trained = user("membre@example.org")
    qualification = db.session.scalar(select(Qualification).where(Qualification.user_id == trained.id))
    assert timedelta(days=360) < qualification.expires_at - now < timedelta(days=370)

    member = check_booking(laser, trained, starts_at, ends_at, now=now)
    assert member.ok and member.approved_at_once and member.quote.price_cents == 5_00
    assert (
        Code.QUALIFICATION_EXPIRED
        in check_booking(laser, user("partenaire@example.org"), starts_at, ends_at, now=now).codes
    )
    assert (
        Code.QUALIFICATION_REQUIRED
        in check_booking(laser, user("artiste@example.org"), starts_at, ends_at, now=now).codes
    )
    assert Code.AUDIENCE in check_booking(laser, user("externe@example.org"), starts_at, ends_at, now=now).codes
    monday = paris_to_utc(_next_paris_day(0, now + timedelta(days=1)), time(10, 0))
    assert Code.OUTSIDE_HOURS in check_booking(laser, trained, monday, monday + timedelta(hours=1), now=now).codes


def test_the_demo_installs_the_newcomers_routing(app):
    load_demo(production=False)

    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    assert db.session.scalar(select(sa.func.count()).select_from(NewcomerRoute)) == len(DEFAULT_ROUTES)
    assert route_request([themes["ecologie-maraichage-bio"]], SupportKind.NETWORKING).venue.slug == "ile-aux-fruits"


def test_loading_twice_changes_nothing(app, runner):
    assert load_demo(production=False) is True
    before = row_counts()
    assert before["venues"] == 6 and before["users"] == len(DEMO_ACCOUNTS)

    assert load_demo(production=False) is False
    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0
    assert "rien n'est changé" in result.output
    assert row_counts() == before


def test_the_demo_is_not_loaded_over_real_venues(app):
    db.session.add(Venue(slug="un-vrai-lieu", name="Un vrai lieu"))
    db.session.commit()
    before = row_counts()

    assert load_demo(production=False) is False
    assert row_counts() == before


def test_the_demo_is_refused_in_production_and_writes_nothing(app, app_factory):
    with pytest.raises(DemoRefused, match="production"):
        load_demo(production=True)

    production = app_factory(FNT_ENV="production")
    with production.app_context():  # the command runs in the application it finds pushed
        result = production.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code != 0
    assert "production" in result.output
    assert set(row_counts().values()) == {0}


def test_the_cli_loads_the_demo_and_prints_the_accounts(app, runner):
    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output and account.who in result.output
    assert db.session.scalar(select(sa.func.count()).select_from(Venue)) == 6
    assert db.session.scalar(select(sa.func.count()).select_from(OpeningHours)) > 0


def test_the_demo_documents_its_resources_shares_tools_and_shows_a_project(app, client):
    load_demo(production=False)
    laser = resource("la-machinerie", "decoupeuse-laser")

    page = client.get(f"/ressources/{laser.id}").get_data(as_text=True)
    assert "Utiliser la découpeuse laser" in page
    assert "Des boîtes à livres pour les jardins partagés" in page  # the published project made with it

    toolbox = client.get("/documentation/boite-a-outils/").get_data(as_text=True)
    assert "Premiers pas sur tablette" in toolbox
    assert "Animer un Apéro tiers-lieux" not in toolbox  # members only: not for an anonymous visitor

    found = client.get("/documentation/", query_string={"q": "decoupe"}).get_data(as_text=True)
    assert "Utiliser la découpeuse laser" in found


def test_the_demo_has_a_monthly_apero_at_la_maison_du_colonel_and_a_training_at_la_machinerie(app):
    from sqlalchemy import select

    from app.demo.data import load_demo
    from app.events.models import Event
    from app.extensions import db
    from app.models import BookingKind

    load_demo()
    events = list(db.session.scalars(select(Event).order_by(Event.starts_at)))
    aperos = [e for e in events if e.title == "Apéro tiers-lieux"]
    assert aperos and all(e.venue.slug == "maison-du-colonel" and e.labelled for e in aperos)
    assert [e.machine_type for e in events if e.venue.slug == "la-machinerie"] == ["decoupeuse-laser"]
    assert all(e.booking.kind == BookingKind.EVENT for e in events)


def test_the_demo_shows_billing_identities_invoices_paid_due_overdue_a_credit_note_and_a_quote(app, client):
    from app.billing import payments
    from app.billing.identity import IdentityValues, clean
    from app.billing.models import BillingIdentity, DocumentKind, Invoice, InvoicingSchedule, Quote

    load_demo(production=False)
    identities = db.session.scalars(select(BillingIdentity)).all()
    assert len(identities) == 6
    for identity in identities:  # every identity passes the form's own checks
        values = {name: getattr(identity, name) for name in IdentityValues.__dataclass_fields__}
        clean(IdentityValues(**values))
    assert {i.venue.slug for i in identities if i.invoicing == InvoicingSchedule.MONTHLY} == {"alco"}

    # The billing demo's invoices are those of externe@example.org (the demo's bookings around now
    # may be invoiced too, at their venue's tariff).
    external = db.session.scalars(select(User.id).where(User.email == "externe@example.org")).one()
    invoices = db.session.scalars(
        select(Invoice).where(Invoice.kind == DocumentKind.INVOICE, Invoice.buyer_id == external)
    ).all()
    states = sorted(payments.state_of(invoice) for invoice in invoices if not invoice.credit_notes)
    assert states == sorted([payments.InvoiceState.PAID, payments.InvoiceState.OVERDUE, payments.InvoiceState.UNPAID])
    overdue = next(i for i in invoices if payments.state_of(i) == payments.InvoiceState.OVERDUE)
    assert 0 < payments.balance(overdue).paid_cents < overdue.total_cents  # paid in part
    (note,) = db.session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.CREDIT_NOTE)).all()
    assert note.total_cents == note.credits.total_cents
    assert all(invoice.business_buyer and invoice.total_cents > 0 for invoice in invoices)
    assert len(db.session.scalars(select(Quote)).all()) == 1

    client.login("externe@example.org", DEMO_PASSWORD)
    mine = client.get("/factures/")
    assert mine.status_code == 200
    assert all(invoice.number in mine.get_data(as_text=True) for invoice in invoices)
