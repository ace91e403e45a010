"""Who may follow which calendar, and the secret token of the feed URLs. No request here.

| feed | who |
| --- | --- |
| my bookings | the token's owner (an active account) |
| a resource's busy times | anyone who may book it, its venue's managers, coordinators |
| a venue's bookings | its managers, coordinators |
| one booking's .ics | its requester, its venue's managers, coordinators |

Anyone else gets "not found", as for a token that does not exist (any more).
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from app.bookings.rules import party_reasons
from app.calendars.feeds import Detail
from app.extensions import db
from app.models import Booking, Resource, User, Venue


def new_token() -> str:
    return secrets.token_urlsafe(32)


def ensure_token(user: User) -> str:
    """The user's calendar token, made on first use (the caller commits)."""
    if not user.calendar_token:
        user.calendar_token = new_token()
    return user.calendar_token


def reset_token(user: User) -> str:
    """A new token: every URL given out before stops working (the caller commits)."""
    user.calendar_token = new_token()
    return user.calendar_token


def owner_of(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def is_staff_of(user: User, venue: Venue) -> bool:
    return user.is_coordinator or user.manages(venue.id)


def may_follow_resource(user: User, resource: Resource) -> bool:
    return is_staff_of(user, resource.venue) or not party_reasons(resource, user)


def booking_detail_for(user: User, booking: Booking) -> Detail | None:
    """What this person may see of the booking in a download, or None."""
    if is_staff_of(user, booking.resource.venue):
        return Detail.VENUE
    if booking.requester_id == user.id:
        return Detail.PERSONAL
    return None


def followable_resources(user: User) -> list[Resource]:
    """The resources in service whose busy times the user may follow, by venue then name."""
    resources = db.session.scalars(
        select(Resource)
        .join(Venue, Resource.venue_id == Venue.id)
        .where(Resource.is_active.is_(True), Venue.is_active.is_(True))
        .order_by(Venue.name, Resource.name)
    )
    return [resource for resource in resources if may_follow_resource(user, resource)]


def followable_venues(user: User) -> list[Venue]:
    query = select(Venue).order_by(Venue.name)
    if not user.is_coordinator:
        query = query.where(Venue.id.in_([venue.id for venue in user.managed_venues]))
    return list(db.session.scalars(query))
