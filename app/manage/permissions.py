"""Who may manage what. No request here; the views turn a refusal into 403 or 404.

| what | who |
| --- | --- |
| the administration pages at all | a manager of at least one venue, or a coordinator |
| a venue's resources, photos, closures, qualifications (its machines) and members | a manager of that venue, or a coordinator |
| venues, managers, themes, organisations' audience, consortium closures, all users | a coordinator |

A manager asking for another venue's things gets "not found" (404), never "forbidden":
the answer must not tell whether the thing exists.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select

from app.core.access import is_coordinator
from app.extensions import db
from app.models import Closure, Qualification, Resource, User, Venue, VenueMembership, VenueRole


def can_manage_venue(user: User, venue: Venue) -> bool:
    return is_coordinator(user) or (user.is_authenticated and user.is_active and user.manages(venue.id))


@cache
def _venues_query(every: bool) -> Select:
    query = select(Venue).order_by(Venue.name)
    return query if every else query.where(Venue.id.in_(bindparam("venue_ids", expanding=True)))


def manageable_venues(user: User) -> list[Venue]:
    """The venues whose administration pages the user sees, by name (statements built once: every
    staff page asks)."""
    if is_coordinator(user):
        return list(db.session.scalars(_venues_query(True)))
    # The ids from the memberships already read (is_staff reads them), not each one's venue.
    venue_ids = [m.venue_id for m in user.memberships if m.role == VenueRole.MANAGER]
    if not venue_ids:
        return []
    return list(db.session.scalars(_venues_query(False), {"venue_ids": venue_ids}))


def find_managed_venue(user: User, slug: str) -> Venue | None:
    """The venue with this slug if the user manages it; None when it does not exist or is not theirs."""
    venue = db.session.scalar(select(Venue).where(Venue.slug == slug))
    if venue is None or not can_manage_venue(user, venue):
        return None
    return venue


def resource_of(venue: Venue, resource_id: int) -> Resource | None:
    return db.session.scalar(select(Resource).where(Resource.id == resource_id, Resource.venue_id == venue.id))


def closure_of(venue: Venue, closure_id: int) -> Closure | None:
    return db.session.scalar(select(Closure).where(Closure.id == closure_id, Closure.venue_id == venue.id))


def membership_of(venue: Venue, membership_id: int) -> VenueMembership | None:
    return db.session.scalar(
        select(VenueMembership).where(VenueMembership.id == membership_id, VenueMembership.venue_id == venue.id)
    )


def qualification_of(venue: Venue, qualification_id: int) -> Qualification | None:
    """A qualification on one of the venue's machines."""
    return db.session.scalar(
        select(Qualification)
        .join(Resource, Qualification.resource_id == Resource.id)
        .where(Qualification.id == qualification_id, Resource.venue_id == venue.id)
    )
