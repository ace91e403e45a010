"""The demo's bookings, so that the homes, the desk, the planning and the screenshots are not empty:
around the moment the demo is loaded, approved bookings (some earlier today), pending requests for
the desk, a kit loan to hand over today and a closure. Made through the booking engine, each as if
asked three weeks before it begins (``now`` of the engine), so that its rules hold; a slot the engine
refuses (a public holiday, the venue closed that day) moves to the next day, up to a fortnight.

They keep clear of what the tests and benchmarks book in the demo: nothing on La Machinerie's
meeting room (« La Verrière », the measured space) nor its coworking floor, and nothing at a
resource's first opening of the day (the demo's own test books the minimum there).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.bookings import service
from app.core.clock import paris_to_utc, paris_today
from app.core.refusals import Refusal
from app.extensions import db
from app.manage import closures as closure_rules
from app.models import Booking, BookingStatus, Resource, User, Venue


@dataclass(frozen=True)
class DemoBooking:
    venue: str
    resource: str
    email: str
    days_from_today: int  # the first day tried (0: today)
    at: time
    minutes: int
    purpose: str
    approve: bool = True  # else it stays a pending request (for the desk)
    quantity: int = 1


DEMO_BOOKINGS: tuple[DemoBooking, ...] = (
    # La Machinerie's FabLab (the planning its manager sees first; the member's home).
    DemoBooking(
        "la-machinerie", "decoupeuse-laser", "membre@example.org", 0, time(14), 120, "Enseignes du repair café"
    ),
    DemoBooking("la-machinerie", "decoupeuse-laser", "membre@example.org", 3, time(16), 90, "Maquettes en carton"),
    DemoBooking("la-machinerie", "imprimante-3d-1", "membre@example.org", 1, time(15), 180, "Pièces d'un robot"),
    DemoBooking("la-machinerie", "imprimante-3d-2", "coordination@example.org", 0, time(11), 90, "Prototype de badge"),
    DemoBooking(
        "la-machinerie", "fraiseuse-cnc", "artiste@example.org", 2, time(15), 180, "Décor du spectacle", approve=False
    ),
    DemoBooking("la-machinerie", "imprimante-3d-3", "membre@example.org", 4, time(14, 30), 120, "Boîtiers"),
    DemoBooking(
        "la-machinerie", "fraiseuse-cnc", "artiste@example.org", 6, time(16), 120, "Mobilier du jardin", approve=False
    ),
    # Elsewhere: the other homes and plannings.
    DemoBooking("lam", "atelier-artiste", "artiste@example.org", 1, time(14), 240, "Résidence de peinture"),
    DemoBooking("lam", "kit-son", "artiste@example.org", 0, time(15), 24 * 60, "Concert dans la cour", quantity=1),
    DemoBooking("la-briqueterie", "studio-repetition", "artiste@example.org", 2, time(18), 120, "Répétition"),
    DemoBooking(
        "alco", "salle-polyvalente", "mediation@example.org", 1, time(15), 120, "Atelier numérique", approve=False
    ),
)


@dataclass(frozen=True)
class DemoClosure:
    venue: str
    days_from_today: int
    starts: time
    ends: time
    reason: str


# In the evening, after the morning openings the tests book.
DEMO_CLOSURES = (DemoClosure("la-machinerie", 2, time(17), time(19), "Assemblée générale du FabLab"),)


def _resource(venue: str, slug: str) -> Resource | None:
    return db.session.scalar(
        select(Resource).join(Venue, Resource.venue_id == Venue.id).where(Venue.slug == venue, Resource.slug == slug)
    )


def _manager_of(resource: Resource) -> User | None:
    managers = resource.venue.managers
    return managers[0] if managers else None


def create_demo_bookings(now: datetime) -> list[Booking]:
    users = {u.email: u for u in db.session.scalars(select(User))}
    today = paris_today(now)
    made = []
    for data in DEMO_BOOKINGS:
        resource, who = _resource(data.venue, data.resource), users.get(data.email)
        if resource is None or who is None:
            continue
        for offset in range(data.days_from_today, data.days_from_today + 14):
            starts_at = paris_to_utc(today + timedelta(days=offset), data.at)
            asked = min(now, starts_at) - timedelta(days=21)  # beyond every demo resource's notice
            try:
                booking = service.request_booking(
                    resource,
                    who,
                    starts_at,
                    starts_at + timedelta(minutes=data.minutes),
                    purpose=data.purpose,
                    quantity=data.quantity,
                    now=asked,
                )
            except Refusal:
                continue
            manager = _manager_of(resource)
            if data.approve and booking.status == BookingStatus.REQUESTED and manager is not None:
                with suppress(Refusal):  # else it stays a request
                    service.approve(booking, manager, now=asked)
            made.append(booking)
            break
    for closure in DEMO_CLOSURES:
        venue = db.session.scalar(select(Venue).where(Venue.slug == closure.venue))
        coordinator = users.get("coordination@example.org")
        if venue is None or coordinator is None:
            continue
        day = today + timedelta(days=closure.days_from_today)
        try:
            closure_rules.add_closure(
                venue,
                paris_to_utc(day, closure.starts),
                paris_to_utc(day, closure.ends),
                closure.reason,
                coordinator,
                now,
            )
        except closure_rules.InvalidClosure:
            continue
    db.session.flush()
    return made
