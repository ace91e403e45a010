"""Who belongs to a venue: members (managers add and remove them) and managers (coordinators name them).

No request here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage import audit
from app.models import User, Venue, VenueMembership, VenueRole


class MembershipRefused(Refusal):
    """Next to the email field unless the refusal names another (``field=None``: for the page)."""

    code = "membership_refused"
    field = "email"


def _membership(user: User, venue: Venue) -> VenueMembership | None:
    return db.session.scalar(
        select(VenueMembership).where(VenueMembership.user_id == user.id, VenueMembership.venue_id == venue.id)
    )


def _no_account():
    return MembershipRefused(_l("Aucun compte n'a cette adresse e-mail. La personne doit d'abord créer son compte."))


def venue_memberships(venue: Venue) -> list[VenueMembership]:
    """Managers first, then members, by name."""
    rows = db.session.scalars(
        select(VenueMembership)
        .join(User, VenueMembership.user_id == User.id)
        .where(VenueMembership.venue_id == venue.id)
        .options(selectinload(VenueMembership.user).selectinload(User.organisation))
        .order_by(User.name)
    )
    return sorted(rows, key=lambda m: m.role != VenueRole.MANAGER)


def add_member(venue: Venue, user: User | None, actor: User) -> VenueMembership:
    if user is None:
        raise _no_account()
    if _membership(user, venue) is not None:
        raise MembershipRefused(_l("%(name)s fait déjà partie de ce lieu.", name=user.name))
    membership = VenueMembership(user=user, venue=venue, role=VenueRole.MEMBER)
    db.session.add(membership)
    db.session.flush()
    audit.record(actor, "venue", venue.id, "member_added", user=user.email)
    return membership


def remove_member(membership: VenueMembership, actor: User) -> None:
    if membership.role == VenueRole.MANAGER:
        raise MembershipRefused(
            _l(
                "%(name)s est gestionnaire de ce lieu : seule la coordination peut lui retirer ce rôle.",
                name=membership.user.name,
            ),
            field=None,
        )
    audit.record(actor, "venue", membership.venue_id, "member_removed", user=membership.user.email)
    db.session.delete(membership)


def make_manager(venue: Venue, user: User | None, actor: User) -> VenueMembership:
    """Name a manager: an existing membership is promoted, otherwise one is created."""
    if user is None:
        raise _no_account()
    membership = _membership(user, venue)
    if membership is not None and membership.role == VenueRole.MANAGER:
        raise MembershipRefused(_l("%(name)s gère déjà ce lieu.", name=user.name))
    if membership is None:
        membership = VenueMembership(user=user, venue=venue, role=VenueRole.MANAGER)
        db.session.add(membership)
    else:
        membership.role = VenueRole.MANAGER
    db.session.flush()
    audit.record(actor, "venue", venue.id, "manager_added", user=user.email)
    return membership


def remove_manager(membership: VenueMembership, actor: User) -> bool:
    """The person stays a member of the venue, without the manager's rights. False if not a manager."""
    if membership.role != VenueRole.MANAGER:
        return False
    membership.role = VenueRole.MEMBER
    audit.record(actor, "venue", membership.venue_id, "manager_removed", user=membership.user.email)
    return True


def managers_by_venue() -> list[tuple[Venue, list[VenueMembership]]]:
    venues = db.session.scalars(
        select(Venue).options(selectinload(Venue.memberships).selectinload(VenueMembership.user)).order_by(Venue.name)
    )
    return [
        (venue, sorted((m for m in venue.memberships if m.role == VenueRole.MANAGER), key=lambda m: m.user.name))
        for venue in venues
    ]
