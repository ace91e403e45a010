"""What a closure or an out-of-service period does to the bookings it hits. No request here.

A venue's closure (its own, or a consortium closure it confirmed) and a resource's outage
(``ResourceOutage``: a machine or a kit out of service for a period, with a reason) refuse new
bookings through the engine. The bookings already made over them are shown to the manager, with
who booked and what; for each one they choose:

- **cancel** with a reason: the engine's cancellation, so the member is emailed with that reason
  and the agreement follows;
- **keep** it as an exception (a ``KeptBooking``): it stays as it is and is no longer asked about.

| function | what |
| --- | --- |
| ``hits(disruption)`` | the live bookings it hits, each with ``kept`` |
| ``unsettled_count(disruption)`` | how many of those still wait for a choice |
| ``settle(disruption, booking, cancel, reason, actor, now)`` | cancel or keep one booking |
| ``add_outage(resource, starts_at, ends_at, reason, actor, now)`` | take a resource out of service |
| ``remove_outage(outage, actor)`` | put it back in service |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bookings import service
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage import audit
from app.manage.closures import InvalidClosure, check_period
from app.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Closure,
    ClosureStatus,
    KeptBooking,
    Resource,
    ResourceKind,
    ResourceOutage,
    User,
)

# Bookings a closure or an outage may still cancel: those not yet under way as a loan.
HIT_STATUSES = (BookingStatus.REQUESTED, BookingStatus.APPROVED)

Disruption = Closure | ResourceOutage


class DisruptionRefused(Refusal):
    code = "disruption_refused"


@dataclass
class Hit:
    booking: Booking
    kept: bool


def _hit_query(disruption: Disruption):
    query = (
        select(Booking)
        .join(Resource, Booking.resource_id == Resource.id)
        .where(
            Booking.status.in_(HIT_STATUSES),
            Booking.starts_at < disruption.ends_at,
            Booking.ends_at > disruption.starts_at,
        )
        .order_by(Booking.starts_at, Booking.id)
        .options(
            selectinload(Booking.resource),
            selectinload(Booking.requester),
            selectinload(Booking.organisation),
        )
    )
    if isinstance(disruption, Closure):
        return query.where(Resource.venue_id == disruption.venue_id)
    return query.where(Booking.resource_id == disruption.resource_id)


def _kept_ids(disruption: Disruption) -> set[int]:
    column = KeptBooking.closure_id if isinstance(disruption, Closure) else KeptBooking.outage_id
    return set(db.session.scalars(select(KeptBooking.booking_id).where(column == disruption.id)))


def in_force(disruption: Disruption) -> bool:
    return not isinstance(disruption, Closure) or disruption.status == ClosureStatus.CONFIRMED


def hits(disruption: Disruption) -> list[Hit]:
    """The live bookings the closure (once in force) or the outage hits, oldest first. Two queries."""
    if not in_force(disruption):
        return []
    kept = _kept_ids(disruption)
    return [Hit(booking, booking.id in kept) for booking in db.session.scalars(_hit_query(disruption))]


def unsettled_count(disruption: Disruption) -> int:
    return sum(1 for hit in hits(disruption) if not hit.kept)


def settle(disruption: Disruption, booking: Booking, cancel: bool, reason: str, actor: User, now: datetime) -> None:
    """Cancel the booking with a reason (the member is emailed), or keep it as an exception.

    Raises ``DisruptionRefused`` for a booking it does not hit, and the engine's ``Refusal`` (no
    reason, …); the caller commits.
    """
    if booking.id not in {hit.booking.id for hit in hits(disruption)}:
        raise DisruptionRefused(_l("Cette réservation n'est pas touchée par cette période."))
    what = "closure" if isinstance(disruption, Closure) else "outage"
    if cancel:
        service.cancel(booking, actor, reason, now)
        return
    if booking.id in _kept_ids(disruption):
        return
    db.session.add(
        KeptBooking(
            booking_id=booking.id,
            closure_id=disruption.id if what == "closure" else None,
            outage_id=disruption.id if what == "outage" else None,
            decided_by_id=actor.id,
            decided_at=now,
        )
    )
    db.session.add(
        AuditEntry(
            actor_id=actor.id,
            subject_type="booking",
            subject_id=booking.id,
            action=f"kept_despite_{what}",
            from_status=booking.status.value,
            to_status=booking.status.value,
            reason=reason.strip(),
            details={f"{what}_id": disruption.id},
            at=now,
        )
    )
    db.session.flush()


# --- Out of service ---------------------------------------------------------------------------------


def add_outage(
    resource: Resource, starts_at: datetime, ends_at: datetime, reason: str, actor: User, now: datetime
) -> ResourceOutage:
    """Take a machine or a kit out of service over the period. Raises ``InvalidClosure``."""
    reason = " ".join(reason.split())
    errors = {
        key: (_l("Indiquez le motif : maintenance, panne…") if key == "reason" else message)
        for key, message in check_period(starts_at, ends_at, reason, now).items()
    }
    if resource.kind == ResourceKind.SPACE:
        raise DisruptionRefused(_l("Seules les machines et les kits se mettent hors service."))
    if errors:
        raise InvalidClosure(errors)
    outage = ResourceOutage(
        resource=resource, starts_at=starts_at, ends_at=ends_at, reason=reason, created_by_id=actor.id, created_at=now
    )
    db.session.add(outage)
    db.session.flush()
    audit.record(actor, "resource", resource.id, "out_of_service", starts_at=starts_at, ends_at=ends_at, reason=reason)
    return outage


def remove_outage(outage: ResourceOutage, actor: User) -> None:
    audit.record(
        actor,
        "resource",
        outage.resource_id,
        "back_in_service",
        starts_at=outage.starts_at,
        ends_at=outage.ends_at,
        reason=outage.reason,
    )
    db.session.delete(outage)


def outages_of(resource: Resource, now: datetime) -> list[ResourceOutage]:
    """The resource's outages still to come or in progress, soonest first."""
    return list(
        db.session.scalars(
            select(ResourceOutage)
            .where(ResourceOutage.resource_id == resource.id, ResourceOutage.ends_at > now)
            .order_by(ResourceOutage.starts_at)
        )
    )
