"""A manager books on behalf of a member (someone who called, for themselves or their organisation).

The booking is the member's: every rule of the engine is checked for them (audience, qualification,
quotas, opening hours, availability), it is made in the name of their organisation, and it is
approved at once by the manager, who decides for the venue. The audit trail records the request
with the manager as actor and ``on_behalf_of`` the member; the member gets the approval email
(the engine's notices). No request here; nothing commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bookings import service
from app.bookings.errors import as_text
from app.bookings.service import Code, Reason, Refusal
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.manage import permissions
from app.models import Booking, BookingStatus, Organisation, Resource, User, Venue


def booked_by(manager: User):
    return _l("Réservée par %(manager)s (gestionnaire du lieu) pour votre compte.", manager=manager.name)


def bookable_resources(manager: User) -> list[Resource]:
    """The active resources of the venues this person manages, by venue and name."""
    venue_ids = [venue.id for venue in permissions.manageable_venues(manager)]
    if not venue_ids:
        return []
    return list(
        db.session.scalars(
            select(Resource)
            .join(Venue, Resource.venue_id == Venue.id)
            .where(Resource.venue_id.in_(venue_ids), Resource.is_active.is_(True))
            .options(selectinload(Resource.venue))
            .order_by(Venue.name, Resource.name)
        )
    )


def members() -> list[User]:
    """Who a booking may be made for: the open accounts, by organisation and name."""
    return list(
        db.session.scalars(
            select(User)
            .outerjoin(Organisation, User.organisation_id == Organisation.id)
            .where(User.active.is_(True), User.erased_at.is_(None))
            .options(selectinload(User.organisation))
            .order_by(Organisation.name, User.name, User.id)
        )
    )


def book_on_behalf(
    manager: User,
    resource: Resource,
    member: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    quantity: int = 1,
    attendees: int | None = None,
    purpose: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book the resource for ``member`` and approve it as ``manager``. Raises ``Refusal`` (nothing
    written) when the manager does not manage the resource's venue or a rule refuses the member."""
    if not permissions.can_manage_venue(manager, resource.venue):
        raise Refusal(Reason(Code.NOT_ALLOWED, _l("Vous ne gérez pas le lieu de cette ressource."), "resource"))
    if not member.active or member.erased_at is not None:
        raise Refusal(Reason(Code.ACCOUNT_INACTIVE, _l("Ce compte n'est pas ouvert."), "member"))
    booking = service.request_booking(
        resource,
        member,
        starts_at,
        ends_at,
        quantity=quantity,
        attendees=attendees,
        purpose=purpose,
        now=now,
        actor=manager,
    )
    if booking.status == BookingStatus.REQUESTED:
        service.approve(booking, manager, as_text(booked_by(manager)), now=now)
    return booking
