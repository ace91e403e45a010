"""A small consortium for the desk's and the planning's tests, on the pinned clock (the views read it too).

"La Machinerie" opens every day, around the clock (so that "today" always has bookings,
whatever the day and hour the tests run); it has a meeting room, a second room and a video
kit of three units. "La Briqueterie" has its own room and manager. Requests are made "a day
ago" (``now=``) so that today's bookings respect the notice period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.bookings import service
from app.bookings.hours import public_holidays
from app.core.clock import paris_today
from app.extensions import db
from app.models import (
    Booking,
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


@dataclass
class DeskWorld:
    venue: Venue
    other_venue: Venue
    room: Resource
    studio: Resource
    kit: Resource
    other_room: Resource
    member: User
    other_member: User
    manager: User
    other_manager: User
    coordinator: User


def build_desk_world(open_on_holidays: bool = True) -> DeskWorld:
    """``open_on_holidays``: both venues open on the public holidays of the coming year too (as they do
    around the clock), so that a loan that ends on a holiday (from 31 December at 23:30) stays possible."""
    venue = make_venue(hours=((0, 0), (23, 59)), days=range(7))
    other_venue = make_venue("la-briqueterie", "La Briqueterie", hours=((0, 0), (23, 59)), days=range(7))
    if open_on_holidays:
        db.session.flush()
        today = paris_today()
        for day in public_holidays(today - timedelta(days=7), today + timedelta(days=400)):
            db.session.add(VenueHolidayOpening(venue_id=venue.id, day=day))
            db.session.add(VenueHolidayOpening(venue_id=other_venue.id, day=day))
    common = {
        "min_duration_minutes": 30,
        "slot_minutes": 30,
        "notice_minutes": 0,
        "horizon_days": 365,
        "max_duration_minutes": 24 * 60,
    }
    room = make_resource(venue, "salle", "Salle de réunion", capacity=12, **common)
    room.tariffs.append(Tariff(audience=TariffAudience.CONSORTIUM, hour_cents=1000))
    studio = make_resource(venue, "studio", "Studio son", capacity=4, **common)
    kit = make_resource(
        venue,
        "kit-video",
        "Kit vidéo",
        kind=ResourceKind.KIT,
        units=3,
        checklist="Caméra\nTrépied\nMicro",
        deposit_cents=20000,
        min_duration_minutes=30,
        slot_minutes=30,
        notice_minutes=0,
        horizon_days=365,
        max_duration_minutes=7 * 24 * 60,
    )
    other_room = make_resource(other_venue, "atelier", "Atelier", capacity=10, **common)
    member = make_user("membre@test.example", "Camille Martin", organisation=make_organisation("Les Jardins Partagés"))
    add_membership(member, venue)
    other_member = make_user("autre@test.example", "Dominique Petit", organisation=make_organisation("Collectif B"))
    add_membership(other_member, venue)
    manager = make_user("gestion@test.example", "Noa Bernard")
    add_membership(manager, venue, VenueRole.MANAGER)
    other_manager = make_user("gestion-b@test.example", "Lou Garnier")
    add_membership(other_manager, other_venue, VenueRole.MANAGER)
    coordinator = make_user("coordination@test.example", "Maé Robert", is_coordinator=True)
    db.session.commit()
    return DeskWorld(
        venue, other_venue, room, studio, kit, other_room, member, other_member, manager, other_manager, coordinator
    )


def future_day(days: int = 10) -> date:
    return paris_today() + timedelta(days=days)


def request(
    resource: Resource,
    who: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    purpose: str = "Atelier",
    now: datetime | None = None,
    **kwargs,
) -> Booking:
    booking = service.request_booking(
        resource, who, starts_at, ends_at, purpose=purpose, now=now or starts_at - timedelta(days=2), **kwargs
    )
    db.session.commit()
    return booking
