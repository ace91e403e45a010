"""The booking engine's small consortium, at a fixed moment (also the world of the booking pages,
the catalogue, the calendar feeds, the notifications and the agreements driven by the engine).

``NOW`` is Monday 1 March 2027, 8:00 in Paris. The venue "La Machinerie" opens
Monday to Friday, 9:00-18:00; it has a meeting room, a laser cutter that needs a
training, and a video kit of three units. People: a member of the consortium
(member of the venue), a member of another venue, a partner, an outsider, the
venue's manager, a manager of another venue, and a coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app.core.clock import PARIS, paris_today
from app.extensions import db
from app.models import (
    Audience,
    Resource,
    ResourceKind,
    Tariff,
    TariffAudience,
    User,
    Venue,
    VenueHolidayOpening,
    VenueRole,
)
from tests.factories import add_membership, make_organisation, make_resource, make_user, make_venue

HOLIDAYS_OPEN = (date(2027, 3, 29), date(2027, 11, 1))
NOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)  # Monday 1 March 2027, 8:00 in Paris


def monday_ahead() -> date:
    """A Monday between 8 and 14 days from now, in Paris: past every resource's notice, within its horizon."""
    today = paris_today()
    return today + timedelta(days=8 + (7 - (today + timedelta(days=8)).weekday()) % 7)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Paris wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


@dataclass
class World:
    venue: Venue
    other_venue: Venue
    room: Resource
    laser: Resource
    kit: Resource
    member: User
    other_member: User
    partner: User
    outsider: User
    manager: User
    other_manager: User
    coordinator: User


def build_world() -> World:
    venue = make_venue()
    other_venue = make_venue("la-briqueterie", "La Briqueterie")
    room = make_resource(
        venue,
        "salle",
        "Salle de réunion",
        capacity=12,
        min_duration_minutes=60,
        max_duration_minutes=8 * 60,
        slot_minutes=30,
        notice_minutes=60,
        horizon_days=180,
    )
    room.tariffs.append(
        Tariff(audience=TariffAudience.CONSORTIUM, hour_cents=1000, half_day_cents=3000, day_cents=5000)
    )
    room.tariffs.append(Tariff(audience=TariffAudience.EXTERNAL, hour_cents=2500, day_cents=15000))
    laser = make_resource(
        venue,
        "laser",
        "Découpeuse laser",
        kind=ResourceKind.MACHINE,
        machine_type="decoupe-laser",
        requires_training=True,
        buffer_minutes=30,
        min_duration_minutes=30,
        open_to=Audience.PARTNER,
    )
    kit = make_resource(
        venue,
        "kit-video",
        "Kit vidéo",
        kind=ResourceKind.KIT,
        units=3,
        checklist="Caméra\nTrépied\nMicro",
        deposit_cents=20000,
        min_duration_minutes=60,
        max_duration_minutes=7 * 24 * 60,
        slot_minutes=60,
        open_to=Audience.EXTERNAL,
    )
    consortium = make_organisation("Les Jardins Partagés")
    member = make_user("membre@test.example", "Camille Martin", organisation=consortium)
    add_membership(member, venue)
    other_member = make_user("autre@test.example", "Dominique Petit", organisation=make_organisation("Collectif B"))
    add_membership(other_member, other_venue)
    partner = make_user(
        "partenaire@test.example", "Alex Durand", organisation=make_organisation("Université", Audience.PARTNER)
    )
    outsider = make_user(
        "exterieur@test.example", "Sam Leroy", organisation=make_organisation("Entreprise X", Audience.EXTERNAL)
    )
    manager = make_user("gestion@test.example", "Noa Bernard")
    add_membership(manager, venue, VenueRole.MANAGER)
    other_manager = make_user("gestion-b@test.example", "Lou Garnier")
    add_membership(other_manager, other_venue, VenueRole.MANAGER)
    coordinator = make_user("coordination@test.example", "Maé Robert", is_coordinator=True)
    # The weeks these tests use hold two public holidays, the Mondays after the daylight-saving changes
    # (Easter Monday and All Saints' Day 2027): these venues open on them.
    db.session.flush()
    for day in HOLIDAYS_OPEN:
        db.session.add(VenueHolidayOpening(venue_id=venue.id, day=day))
        db.session.add(VenueHolidayOpening(venue_id=other_venue.id, day=day))
    db.session.flush()
    return World(
        venue,
        other_venue,
        room,
        laser,
        kit,
        member,
        other_member,
        partner,
        outsider,
        manager,
        other_manager,
        coordinator,
    )
