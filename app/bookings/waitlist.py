"""The waitlist: members waiting for a resource over a period, offered the slot when it frees up.

A member joins the list of a resource for a period (and a quantity, for kits).
When a booking that held the resource stops holding it (cancelled, shortened,
a kit returned early), the open entries whose period crosses the freed one and
can now be booked are offered the slot, in the order they joined: each offer
is a ``waitlist_offered`` signal (the notifications tell the members in that
order). An offer reserves nothing: the first to book gets the slot, and the
entry of whoever books over its period is marked fulfilled. An entry stays on
the list after an offer, so a later freed slot is offered again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.bookings import queries, signals
from app.bookings.availability import availability_reason, held_until
from app.bookings.errors import Code, Reason, Refusal, not_allowed
from app.bookings.rules import amount_reasons, party_reasons, require_aware
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import (
    OPEN_WAITLIST_STATUSES,
    Booking,
    Resource,
    User,
    WaitlistEntry,
    WaitlistStatus,
    utcnow,
)


def join_waitlist(
    resource: Resource,
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    quantity: int = 1,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put the member on the resource's waitlist for the period. Raises ``Refusal``."""
    require_aware(starts_at, ends_at)
    now = now or utcnow()
    reasons = party_reasons(resource, user) + amount_reasons(resource, quantity, None)
    if ends_at <= starts_at:
        reasons.append(Reason(Code.INVALID_PERIOD, _l("La fin doit suivre le début."), "ends_at"))
    elif starts_at <= now:
        reasons.append(Reason(Code.PAST, _l("Ce créneau est déjà commencé ou passé."), "starts_at"))
    elif _open_entries(resource.id, starts_at, ends_at, user_id=user.id):
        reasons.append(Reason(Code.ALREADY_WAITING, _l("Vous êtes déjà sur la liste d'attente pour cette période.")))
    if reasons:
        raise Refusal(reasons)
    entry = WaitlistEntry(
        resource_id=resource.id,
        user_id=user.id,
        starts_at=starts_at,
        ends_at=ends_at,
        quantity=quantity,
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def leave_waitlist(entry: WaitlistEntry, actor: User, now: datetime | None = None) -> None:
    """Take the entry off the list: its member, a manager of the venue, or a coordinator."""
    if actor.id != entry.user_id and not actor.is_coordinator and not actor.manages(entry.resource.venue_id):
        raise Refusal(not_allowed())
    if entry.status in OPEN_WAITLIST_STATUSES:
        entry.status = WaitlistStatus.WITHDRAWN
        entry.closed_at = now or utcnow()


def _open_entries(
    resource_id: int, starts_at: datetime, ends_at: datetime, user_id: int | None = None
) -> list[WaitlistEntry]:
    """Open entries of the resource whose period crosses ``[starts_at, ends_at)``, first come first."""
    query = (
        select(WaitlistEntry)
        .where(
            WaitlistEntry.resource_id == resource_id,
            WaitlistEntry.status.in_(OPEN_WAITLIST_STATUSES),
            WaitlistEntry.ends_at > starts_at,
            WaitlistEntry.starts_at < ends_at,
        )
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    )
    if user_id is not None:
        query = query.where(WaitlistEntry.user_id == user_id)
    return list(db.session.scalars(query))


def waiting_for(resource: Resource, starts_at: datetime, ends_at: datetime) -> list[WaitlistEntry]:
    """Who waits for this resource over the period, in the order they joined."""
    return _open_entries(resource.id, starts_at, ends_at)


def offer_freed_slot(
    booking: Booking, freed_from: datetime, freed_until: datetime, actor: User | None, reason: str, now: datetime
) -> list[WaitlistEntry]:
    """Offer ``[freed_from, freed_until)`` of the booking's resource to the waiting members, in order.

    Only entries whose own period has not started and can now be booked in full
    are offered. Each offer sends ``waitlist_offered`` (sender: the entry;
    ``booking``: the booking that freed the slot; ``actor`` and ``reason`` of the change).
    """
    resource = booking.resource
    offered = []
    for entry in _open_entries(resource.id, max(freed_from, now), freed_until):
        if entry.starts_at <= now:
            continue
        if availability_reason(resource, entry.starts_at, held_until(resource, entry.ends_at), entry.quantity):
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.offered_booking_id = booking.id
        signals.waitlist_offered.send(entry, booking=booking, actor=actor, reason=reason)
        offered.append(entry)
    return offered


def fulfil(booking: Booking, now: datetime) -> None:
    """The requester booked over their waiting period: their entries for it leave the list (nothing
    to read when the resource was loaded saying nobody waits for it)."""
    if booking.resource is not None and booking.resource.has_waiters is False:
        return
    ids = db.session.scalars(
        queries.waiting_ids(),
        {
            "user_id": booking.requester_id,
            "resource_id": booking.resource_id,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
        },
    ).all()
    for entry_id in ids:
        entry = db.session.get_one(WaitlistEntry, entry_id)
        entry.status = WaitlistStatus.FULFILLED
        entry.closed_at = now
