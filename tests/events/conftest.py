"""Fixtures of the events' tests: a venue open every evening with a hall and a laser cutter, a
second venue, a manager, a coordinator, a member, all relative to the pinned clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import holidays
import pytest

from app.core.clock import paris_to_utc, paris_today
from app.events.models import EventCategory
from app.events.rules import EventDraft, ensure_categories
from app.extensions import db
from app.models import Resource, ResourceKind, Theme, User, Venue, VenueHolidayOpening, VenueRole
from tests.factories import add_membership, make_organisation, make_resource, make_user, make_venue


@dataclass
class EventsWorld:
    venue: Venue
    other_venue: Venue
    hall: Resource
    laser: Resource
    manager: User
    other_manager: User
    coordinator: User
    member: User
    categories: dict[str, EventCategory]
    theme: Theme


def build_events_world() -> EventsWorld:
    venue = make_venue("la-maison-du-colonel", "La Maison du Colonel", hours=((8, 0), (23, 0)), days=range(7))
    other_venue = make_venue("la-machinerie", "La Machinerie", hours=((8, 0), (23, 0)), days=range(7))
    hall = make_resource(venue, "salle", "Grande salle", capacity=40, horizon_days=800, notice_minutes=0)
    laser = make_resource(
        other_venue,
        "laser",
        "Découpeuse laser",
        kind=ResourceKind.MACHINE,
        machine_type="decoupe-laser",
        requires_training=True,
        horizon_days=800,
        notice_minutes=0,
    )
    make_resource(other_venue, "atelier", "Atelier", capacity=12, horizon_days=800, notice_minutes=0)
    manager = make_user("gestion@test.example", "Noa Bernard")
    add_membership(manager, venue, VenueRole.MANAGER)
    other_manager = make_user("gestion-b@test.example", "Lou Garnier")
    add_membership(other_manager, other_venue, VenueRole.MANAGER)
    coordinator = make_user("coordination@test.example", "Maé Robert", is_coordinator=True)
    member = make_user("membre@test.example", "Camille Martin", organisation=make_organisation("Les Jardins"))
    add_membership(member, other_venue)
    theme = Theme(slug="participation-citoyenne", name_fr="Participation citoyenne", name_en="Citizen participation")
    db.session.add(theme)
    categories = {c.slug: c for c in ensure_categories()}
    # Both venues open on public holidays (the Apéro of a first Thursday may fall on Ascension).
    year = paris_today().year
    for day in holidays.country_holidays("FR", years=range(year, year + 3)):
        db.session.add_all(VenueHolidayOpening(venue_id=v.id, day=day) for v in (venue, other_venue))
    db.session.flush()
    return EventsWorld(venue, other_venue, hall, laser, manager, other_manager, coordinator, member, categories, theme)


def evening(days_ahead: int = 10, hour: int = 19, length_hours: int = 2) -> tuple[datetime, datetime]:
    """An evening ``days_ahead`` days after today in Paris."""
    day = paris_today() + timedelta(days=days_ahead)
    start = paris_to_utc(day, time(hour))
    return start, start + timedelta(hours=length_hours)


def draft(world: EventsWorld, starts_at: datetime, ends_at: datetime, **fields) -> EventDraft:
    values = {
        "title": "Apéro tiers-lieux",
        "category": world.categories["apero-tiers-lieux"],
        "resource": world.hall,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": 30,
        "themes": [world.theme],
    }
    values.update(fields)
    return EventDraft(**values)


@pytest.fixture()
def world(app) -> EventsWorld:
    return build_events_world()
