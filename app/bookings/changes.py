"""Changes to an approved booking that wait for a manager. No request here; nothing commits.

An approved booking that its requester wants longer, earlier, later or with more units keeps its
slot, its values and its agreement while a manager decides: :func:`propose` (called by
``lifecycle.edit_booking``) writes the asked-for values beside it as a pending ``BookingChange``.
The booking itself never leaves "approved", so its slot is never free in between, whatever runs
at the same time.

- :func:`approve_change` takes the resource's lock, checks the new period again (the booking itself
  left out), copies the values onto the booking under the database's no-overlap guard, and sends
  ``booking_edited``: the agreement gets a new version, the requester an email; the pending
  requests the new period now collides with are turned down, as an approval does.
- :func:`refuse_change` keeps the booking as it was and tells the requester why
  (``change_refused``).
- A newer change, a direct edit or a cancellation withdraws the pending change.

Every step writes the booking's audit trail ("change_requested", "change_approved",
"change_refused").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.bookings import signals, waitlist
from app.bookings.availability import lock_resource
from app.bookings.errors import Code, Reason, Refusal, not_allowed, reason_required
from app.bookings.queries import on_sqlite
from app.bookings.rules import check_booking
from app.bookings.transitions import STAFF, holding_guard, roles_of
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import (
    HOLDING_STATUSES,
    AuditEntry,
    Booking,
    BookingChange,
    BookingStatus,
    ChangeStatus,
    PaymentStatus,
    TariffAudience,
    User,
    utcnow,
)

# The values a change carries, copied onto the booking when it is approved.
FIELDS = (
    "starts_at",
    "ends_at",
    "holds_until",
    "quantity",
    "attendees",
    "purpose",
    "price_cents",
    "deposit_cents",
    "tariff_audience",
    "payment_status",
)
# What a manager approving late does not check again: the requester asked in time.
LATE_DECISION = (Code.PAST, Code.NOTICE, Code.HORIZON)

ALREADY_DECIDED = _l("Cette modification a déjà été traitée.")


def pending_change_of(booking: Booking) -> BookingChange | None:
    return db.session.scalars(
        select(BookingChange).where(
            BookingChange.booking_id == booking.id, BookingChange.status == ChangeStatus.PENDING
        )
    ).first()


def _audit(booking: Booking, action: str, actor: User | None, reason: str, now: datetime, **details: Any) -> None:
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            subject_type="booking",
            subject_id=booking.id,
            action=action,
            from_status=booking.status.value,
            to_status=booking.status.value,
            reason=reason,
            details=details,
            at=now,
        )
    )


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else getattr(value, "value", value)


def withdraw_pending(booking: Booking, actor: User | None, now: datetime) -> BookingChange | None:
    """The booking's pending change, if any, is withdrawn (a newer change or the booking's end)."""
    change = pending_change_of(booking)
    if change is not None:
        change.status = ChangeStatus.WITHDRAWN
        change.decided_by_id = actor.id if actor is not None else None
        change.decided_at = now
        db.session.flush()
    return change


def propose(booking: Booking, actor: User, new: dict[str, Any], reason: str, now: datetime) -> BookingChange:
    """Hold ``new`` (field -> value, the fields that change) as the booking's pending change.

    The caller (``edit_booking``) took the resource's lock and checked the new values.
    """
    withdraw_pending(booking, actor, now)
    values = {name: getattr(booking, name) for name in FIELDS}
    values.update({name: value for name, value in new.items() if name in FIELDS})
    for name in ("tariff_audience", "payment_status"):
        values[name] = _iso(values[name])
    change = BookingChange(
        booking=booking,
        status=ChangeStatus.PENDING,
        before={name: _iso(getattr(booking, name)) for name in ("starts_at", "ends_at", "quantity", "price_cents")},
        reason=reason,
        requested_by_id=actor.id,
        requested_at=now,
        **values,
    )
    db.session.add(change)
    db.session.flush()
    _audit(
        booking,
        "change_requested",
        actor,
        reason,
        now,
        change_id=change.id,
        changes={name: [_iso(old), _iso(value)] for name, (old, value) in _differences(booking, change).items()},
    )
    signals.change_requested.send(change, actor=actor, reason=reason)
    return change


def _differences(booking: Booking, change: BookingChange) -> dict[str, tuple[Any, Any]]:
    found = {}
    for name in FIELDS:
        old, value = getattr(booking, name), getattr(change, name)
        if name == "tariff_audience":
            value = TariffAudience(value) if value is not None else None
        elif name == "payment_status":
            value = PaymentStatus(value)
        if old != value:
            found[name] = (old, value)
    return found


def _begin(change: BookingChange, actor: User, reason: str | None = None) -> Booking:
    """Lock the resource, read the change and its booking again, check that this actor may decide."""
    booking = change.booking
    lock_resource(booking.resource_id)
    if not on_sqlite():
        db.session.refresh(booking)
        db.session.refresh(change)
    if not roles_of(actor, booking) & STAFF:
        raise Refusal(not_allowed())
    if change.status != ChangeStatus.PENDING or booking.status != BookingStatus.APPROVED:
        raise Refusal(Reason(Code.TRANSITION, ALREADY_DECIDED))
    if reason is not None and not reason.strip():
        raise Refusal(reason_required())
    return booking


def approve_change(change: BookingChange, actor: User, note: str = "", now: datetime | None = None) -> list[Booking]:
    """Apply the change to its booking; returns the pending requests turned down because they now collide.

    Raises ``Refusal`` (nothing written) when the new period can no longer be held.
    """
    from app.bookings.lifecycle import SLOT_GIVEN_TO_ANOTHER, _reject, preview_approval

    now = now or utcnow()
    booking = _begin(change, actor)
    note = note.strip()
    check = check_booking(
        booking.resource,
        booking.requester,
        change.starts_at,
        change.ends_at,
        quantity=change.quantity,
        attendees=change.attendees,
        now=now,
        exclude=[booking.id],
    )
    reasons = [r for r in check.reasons if r.code not in LATE_DECISION]
    if reasons:
        raise Refusal(reasons)
    differences = _differences(booking, change)
    old_start, old_until = booking.starts_at, booking.holds_until
    with holding_guard():
        for name, (_, value) in differences.items():
            setattr(booking, name, value)
        booking.revision += 1
        booking.updated_at = now
    change.status = ChangeStatus.APPROVED
    change.decided_by_id, change.decided_at, change.decision_note = actor.id, now, note
    _audit(
        booking,
        "change_approved",
        actor,
        note,
        now,
        change_id=change.id,
        changes={name: [_iso(old), _iso(value)] for name, (old, value) in differences.items()},
    )
    signals.booking_edited.send(booking, actor=actor, reason=note, changes=differences)
    rejected = preview_approval(booking)
    for other in rejected:
        _reject(other, actor, str(SLOT_GIVEN_TO_ANOTHER), now, approved_booking_id=booking.id)
    waitlist.offer_freed_slot(booking, old_start, old_until, actor, note, now)
    return rejected


def refuse_change(change: BookingChange, actor: User, reason: str, now: datetime | None = None) -> None:
    """Turn the change down, with a reason: the booking stays as it was, the requester is told."""
    now = now or utcnow()
    booking = _begin(change, actor, reason)
    reason = reason.strip()
    change.status = ChangeStatus.REFUSED
    change.decided_by_id, change.decided_at, change.decision_note = actor.id, now, reason
    db.session.flush()
    _audit(booking, "change_refused", actor, reason, now, change_id=change.id)
    signals.change_refused.send(change, actor=actor, reason=reason)


def collisions_of(change: BookingChange) -> tuple[list[Booking], list[Booking]]:
    """What the new period crosses: (the bookings holding it, which would refuse the change; the
    pending requests over it, which approving the change would turn down)."""
    return collisions_for([change])[change.id]


def collisions_for(changes: list[BookingChange]) -> dict[int, tuple[list[Booking], list[Booking]]]:
    """:func:`collisions_of` for several changes, in one query whatever their number."""
    if not changes:
        return {}
    query = (
        select(Booking)
        .where(
            Booking.resource_id.in_({c.booking.resource_id for c in changes}),
            Booking.status.in_([BookingStatus.REQUESTED, *HOLDING_STATUSES]),
            Booking.starts_at < max(c.holds_until for c in changes),
            Booking.holds_until > min(c.starts_at for c in changes),
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    crossing = list(db.session.scalars(query))
    found = {}
    for change in changes:
        booking = change.booking
        over = [
            b
            for b in crossing
            if b.resource_id == booking.resource_id
            and b.id != booking.id
            and b.starts_at < change.holds_until
            and b.holds_until > change.starts_at
        ]
        found[change.id] = (
            [b for b in over if b.status in HOLDING_STATUSES],
            [b for b in over if b.status == BookingStatus.REQUESTED],
        )
    return found


@signals.booking_cancelled.connect
def _withdraw_on_cancel(booking: Booking, actor: User | None = None, **_extra: Any) -> None:
    withdraw_pending(booking, actor, utcnow())
