"""Load the demo consortium (``app.demo.content``) into an empty database, for development and trials.

``load_demo`` refuses in production (the accounts share a published password), does nothing
when the database already has a venue, and otherwise writes everything in one transaction.
No member's booking is created: the booking engine makes them through its own rules. The demo's
events (``app.demo.events``) book their spaces through the engine too.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.auth.passwords import hash_password
from app.demo.billing import create_billing
from app.demo.bookings import create_demo_bookings
from app.demo.content import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    ORGANISATIONS,
    QUALIFICATIONS,
    THEMES,
    VENUES,
    DemoResource,
    DemoVenue,
    Week,
)
from app.demo.documentation import create_documentation
from app.demo.events import create_demo_events
from app.extensions import db
from app.models import (
    Audience,
    OpeningHours,
    Organisation,
    OrganisationKind,
    Qualification,
    Resource,
    Tariff,
    Theme,
    User,
    Venue,
    VenueMembership,
    utcnow,
)

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoRefused", "load_demo"]


class DemoRefused(RuntimeError):
    """The demo cannot be loaded here; the message says why."""


def load_demo(production: bool = False) -> bool:
    """Create the demo consortium and commit; False (and nothing written) if a venue already exists."""
    if production:
        raise DemoRefused(
            "Refusé : les données de démonstration ne se chargent pas en production (FNT_ENV=production), "
            "leurs comptes ont un mot de passe public. "
            "(Refused: demo data is never loaded in production; its accounts share a published password.)"
        )
    try:
        if db.session.scalar(select(Venue.id).limit(1)) is not None:
            db.session.rollback()
            return False
        _create_consortium(utcnow())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return True


def _create_consortium(now: datetime) -> None:
    from app.newcomers.routing import install_default_routing

    themes = {
        theme.slug: Theme(slug=theme.slug, name_fr=theme.name_fr, name_en=theme.name_en, position=theme.position)
        for theme in THEMES
    }
    db.session.add_all(themes.values())
    venues = {data.slug: _create_venue(data, themes) for data in VENUES}
    organisations = {venue.name: _venue_organisation(venue) for venue in venues.values()}
    organisations.update(
        {
            data.name: Organisation(
                name=data.name,
                kind=data.kind,
                audience=data.audience,
                street=data.street,
                postal_code=data.postal_code,
                city="Amiens",
                email=data.email,
                phone=data.phone,
                siret=data.siret,
            )
            for data in ORGANISATIONS
        }
    )
    db.session.add_all(organisations.values())
    users = _create_accounts(venues, organisations)
    _create_qualifications(now, venues, users)
    db.session.flush()
    install_default_routing()
    create_documentation(venues, users, themes)
    create_demo_events(now)
    create_billing(now)
    create_demo_bookings(now)


def _create_venue(data: DemoVenue, themes: dict[str, Theme]) -> Venue:
    venue = Venue(
        slug=data.slug,
        name=data.name,
        is_lead=data.is_lead,
        colour=data.colour,
        themes=[themes[slug] for slug in data.themes],
        short_description=data.short_description,
        description=data.description,
        street=data.street,
        postal_code=data.postal_code,
        city="Amiens",
        email=data.email,
        phone=data.phone,
        website=data.website,
        representative_name=data.representative_name,
        representative_role=data.representative_role,
    )
    db.session.add(venue)
    db.session.flush()
    db.session.add_all(_opening_hours(data.hours, venue.id))
    for resource in data.resources:
        _create_resource(resource, venue)
    db.session.flush()
    return venue


def _create_resource(data: DemoResource, venue: Venue) -> Resource:
    resource = Resource(
        venue=venue,
        slug=data.slug,
        name=data.name,
        kind=data.kind,
        short_description=data.short_description,
        description=data.description,
        documentation=data.documentation,
        capacity=data.capacity,
        units=data.units,
        checklist="\n".join(data.checklist),
        machine_type=data.machine_type,
        requires_training=data.requires_training,
        min_duration_minutes=data.min_duration_minutes,
        max_duration_minutes=data.max_duration_minutes,
        slot_minutes=data.slot_minutes,
        notice_minutes=data.notice_minutes,
        horizon_days=data.horizon_days,
        buffer_minutes=data.buffer_minutes,
        open_to=data.open_to,
        approval_policy=data.approval_policy,
        deposit_cents=data.deposit_cents,
        is_test_space=data.is_test_space,
        tariffs=[
            Tariff(audience=audience, hour_cents=rates.hour, half_day_cents=rates.half_day, day_cents=rates.day)
            for audience, rates in data.tariffs.items()
        ],
    )
    db.session.add(resource)
    if data.hours:
        db.session.flush()
        db.session.add_all(_opening_hours(data.hours, venue.id, resource.id))
    return resource


def _opening_hours(week: Week, venue_id: int, resource_id: int | None = None) -> list[OpeningHours]:
    rows = []
    for weekdays, intervals in week:
        for weekday in weekdays:
            for interval in intervals:
                opens, closes = (time.fromisoformat(moment) for moment in interval.split("-"))
                rows.append(
                    OpeningHours(
                        venue_id=venue_id, resource_id=resource_id, weekday=weekday, opens=opens, closes=closes
                    )
                )
    return rows


def _venue_organisation(venue: Venue) -> Organisation:
    """The venue itself as a party to agreements (when its own people book elsewhere)."""
    return Organisation(
        name=venue.name,
        kind=OrganisationKind.VENUE,
        audience=Audience.CONSORTIUM,
        street=venue.street,
        postal_code=venue.postal_code,
        city=venue.city,
        email=venue.email,
        phone=venue.phone,
    )


def _create_accounts(venues: dict[str, Venue], organisations: dict[str, Organisation]) -> dict[str, User]:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash (one salt) for the shared, published password
    users = {}
    for account in DEMO_ACCOUNTS:
        users[account.email] = User(
            email=account.email,
            name=account.name,
            password_hash=password_hash,
            organisation=organisations[account.organisation],
            is_coordinator=account.is_coordinator,
            memberships=[VenueMembership(venue=venues[slug], role=role) for slug, role in account.memberships],
        )
    db.session.add_all(users.values())
    return users


def _create_qualifications(now: datetime, venues: dict[str, Venue], users: dict[str, User]) -> None:
    for data in QUALIFICATIONS:
        resource = next(r for r in venues[data.venue].resources if r.slug == data.resource)
        db.session.add(
            Qualification(
                user=users[data.email],
                resource=resource,
                machine_type=resource.machine_type,
                recognised_consortium_wide=data.recognised_consortium_wide,
                granted_by=users[data.granted_by],
                granted_at=now - timedelta(days=data.granted_days_ago),
                expires_at=None if data.expires_in_days is None else now + timedelta(days=data.expires_in_days),
                note=data.note,
            )
        )
