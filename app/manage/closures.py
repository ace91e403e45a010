"""Venue closures and consortium-wide closures. No request here.

A venue's own closure applies at once (status "confirmed"). A coordinator's
consortium-wide closure creates one closure per venue with status "proposed";
it applies to a venue only once that venue's manager confirms it (the booking
engine reads ``Closure.status``). A manager may decline it, or change their mind.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.bookings.hours import public_holidays
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage import audit
from app.models import (
    Booking,
    BookingStatus,
    Closure,
    ClosureStatus,
    ConsortiumClosure,
    Resource,
    User,
    Venue,
    VenueHolidayOpening,
)

# Bookings a closure collides with: those still expected to happen.
LIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.HANDED_OVER)


class InvalidClosure(Refusal):
    code = "invalid_closure"


class ClosureRefused(Refusal):
    """The action does not apply to this closure; ``str(error)`` says why."""

    code = "closure_refused"


def check_period(starts_at: datetime, ends_at: datetime, reason: str, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_on"] = _l("La fin de la fermeture doit suivre son début.")
    elif ends_at <= now:
        errors["ends_on"] = _l("Cette période est déjà passée.")
    if not reason.strip():
        errors["reason"] = _l("Indiquez le motif de la fermeture.")
    return errors


def affected_bookings(venue_ids: list[int], starts_at: datetime, ends_at: datetime) -> int:
    """How many live bookings of these venues' resources cross the period."""
    if not venue_ids:
        return 0
    return (
        db.session.scalar(
            select(func.count(Booking.id))
            .join(Resource, Booking.resource_id == Resource.id)
            .where(
                Resource.venue_id.in_(venue_ids),
                Booking.status.in_(LIVE_STATUSES),
                Booking.starts_at < ends_at,
                Booking.ends_at > starts_at,
            )
        )
        or 0
    )


def add_closure(
    venue: Venue, starts_at: datetime, ends_at: datetime, reason: str, actor: User, now: datetime
) -> Closure:
    """A closure of the venue, in force at once. Raises ``InvalidClosure``; the caller commits."""
    reason = " ".join(reason.split())
    errors = check_period(starts_at, ends_at, reason, now)
    if errors:
        raise InvalidClosure(errors)
    closure = Closure(
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        status=ClosureStatus.CONFIRMED,
        decided_by_id=actor.id,
        decided_at=now,
    )
    db.session.add(closure)
    db.session.flush()
    audit.record(
        actor, "closure", closure.id, "created", venue=venue.slug, starts_at=starts_at, ends_at=ends_at, reason=reason
    )
    return closure


def remove_closure(closure: Closure, actor: User) -> None:
    """Delete a venue's own closure. A consortium closure is declined, never deleted by a venue."""
    if closure.consortium_closure_id is not None:
        raise ClosureRefused(
            _l("Cette fermeture est proposée par la coordination : refusez-la plutôt que de la supprimer.")
        )
    audit.record(
        actor,
        "closure",
        closure.id,
        "deleted",
        venue=closure.venue.slug,
        starts_at=closure.starts_at,
        ends_at=closure.ends_at,
        reason=closure.reason,
    )
    db.session.delete(closure)


def decide(closure: Closure, confirm: bool, actor: User, now: datetime) -> bool:
    """Confirm or decline a closure proposed by the coordination. False when nothing changes."""
    if closure.consortium_closure_id is None:
        raise ClosureRefused(_l("Seules les fermetures proposées par la coordination se confirment ou se refusent."))
    wanted = ClosureStatus.CONFIRMED if confirm else ClosureStatus.DECLINED
    if closure.status == wanted:
        return False
    entry = audit.record(actor, "closure", closure.id, "confirmed" if confirm else "declined", venue=closure.venue.slug)
    entry.from_status, entry.to_status = closure.status.value, wanted.value
    closure.status = wanted
    closure.decided_by_id = actor.id
    closure.decided_at = now
    db.session.flush()
    return True


def venue_closures(venue: Venue, now: datetime, past: bool = False) -> list[Closure]:
    """The venue's closures still to come (or in progress), or the past ones, most relevant first."""
    query = select(Closure).where(Closure.venue_id == venue.id)
    if past:
        query = query.where(Closure.ends_at <= now).order_by(Closure.starts_at.desc()).limit(50)
    else:
        query = query.where(Closure.ends_at > now).order_by(Closure.starts_at)
    return list(db.session.scalars(query))


def propose_consortium_closure(
    venues: list[Venue], starts_at: datetime, ends_at: datetime, reason: str, actor: User, now: datetime
) -> ConsortiumClosure:
    """One proposed closure per venue, waiting for each venue's manager. Raises ``InvalidClosure``."""
    reason = " ".join(reason.split())
    errors = check_period(starts_at, ends_at, reason, now)
    if not venues:
        errors["venue_ids"] = _l("Choisissez au moins un lieu.")
    if errors:
        raise InvalidClosure(errors)
    proposal = ConsortiumClosure(starts_at=starts_at, ends_at=ends_at, reason=reason, proposed_by_id=actor.id)
    db.session.add(proposal)
    for venue in venues:
        proposal.closures.append(
            Closure(venue=venue, starts_at=starts_at, ends_at=ends_at, reason=reason, status=ClosureStatus.PROPOSED)
        )
    db.session.flush()
    audit.record(
        actor,
        "consortium_closure",
        proposal.id,
        "proposed",
        venues=[v.slug for v in venues],
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
    )
    return proposal


def pending_proposals(venue_ids: list[int]) -> int:
    """How many consortium closures wait for a decision in these venues."""
    if not venue_ids:
        return 0
    return (
        db.session.scalar(
            select(func.count(Closure.id)).where(
                Closure.venue_id.in_(venue_ids), Closure.status == ClosureStatus.PROPOSED
            )
        )
        or 0
    )


# --- Public holidays ----------------------------------------------------------------------------


def upcoming_holidays(venue: Venue, today: date, days: int = 366) -> list[tuple[date, str, bool]]:
    """The French public holidays of the coming year, as ``(day, name, open)``: ``open`` when the venue
    chose to open that day (every venue is closed on a public holiday otherwise). One query."""
    found = public_holidays(today, today + timedelta(days=days))
    opened = set(
        db.session.scalars(
            select(VenueHolidayOpening.day).where(
                VenueHolidayOpening.venue_id == venue.id, VenueHolidayOpening.day >= today
            )
        )
    )
    return [(day, found[day], day in opened) for day in sorted(found)]


def set_holiday_open(venue: Venue, day: date, opened: bool, actor: User) -> None:
    """Open the venue on a public holiday, or close it again. Raises ``ClosureRefused`` for a day that is
    not a public holiday."""
    name = public_holidays(day, day).get(day)
    if name is None:
        raise ClosureRefused(_l("Ce jour n'est pas un jour férié."))
    existing = db.session.get(VenueHolidayOpening, (venue.id, day))
    if opened and existing is None:
        db.session.add(VenueHolidayOpening(venue_id=venue.id, day=day, decided_by_id=actor.id))
    elif not opened and existing is not None:
        db.session.delete(existing)
    else:
        return
    db.session.flush()
    audit.record(actor, "venue", venue.id, "holiday_opened" if opened else "holiday_closed", day.isoformat())
