"""Requesting, approving, rejecting, cancelling and editing bookings. No request here.

Every function checks the transition table (``transitions.py``), takes the
resource's lock before looking at availability, adds and flushes its rows, writes
the audit trail, sends its signal, and leaves the commit to the caller. A
refusal raises ``Refusal`` before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.bookings import changes as booking_changes
from app.bookings import queries, signals, waitlist
from app.bookings.availability import Hold, availability_reason, held_until, holds_over, lock_resource, peak_units
from app.bookings.errors import Code, Reason, Refusal, as_text
from app.bookings.pricing import Quote
from app.bookings.rules import check_booking
from app.bookings.transitions import Action, begin_change, holding_guard, record
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import Booking, BookingChange, BookingKind, BookingStatus, Resource, Series, User, utcnow

AUTOMATIC_APPROVAL = _l("Validation automatique selon les règles de la ressource.")
EVENT_BOOKING = _l("Espace réservé pour un évènement du lieu.")
SLOT_GIVEN_TO_ANOTHER = _l("Le créneau a été attribué à une autre demande.")


def request_booking(
    resource: Resource,
    requester: User,
    starts_at: datetime,
    ends_at: datetime,
    *,
    quantity: int = 1,
    attendees: int | None = None,
    purpose: str = "",
    series: Series | None = None,
    now: datetime | None = None,
    actor: User | None = None,
    kind: BookingKind = BookingKind.MEMBER,
) -> Booking:
    """Ask for the resource over the period. Raises ``Refusal`` with every reason against.

    The booking is created "requested", or approved at once when the resource's
    approval policy says so for this person. Its price and deposit are fixed now.
    ``actor``: who asks, when not the requester (a manager booking on behalf of a member, who
    checks the caller may): every rule is the requester's; the audit trail names the actor.
    ``kind=BookingKind.EVENT``: the space of a venue's event, booked by one of its managers (the
    caller, ``app.events``, checks they may): every rule holds, it is approved at once and costs
    nothing; the receivers of the signals send no agreement, invoice nor email for it.
    """
    on_behalf = actor is not None and actor.id != requester.id
    behalf: dict[str, Any] = {"on_behalf_of": requester.id} if on_behalf else {}
    now = now or utcnow()
    lock_resource(resource.id)
    check = check_booking(
        resource, requester, starts_at, ends_at, quantity=quantity, attendees=attendees, now=now, with_pending=True
    )
    if not check.ok:
        raise Refusal(check.reasons)
    quote, approved_now = check.price, check.approved_at_once or kind == BookingKind.EVENT
    note = as_text(EVENT_BOOKING if kind == BookingKind.EVENT else AUTOMATIC_APPROVAL) if approved_now else ""
    if kind == BookingKind.EVENT:
        quote = Quote(quote.tariff_audience, 0, 0)  # the venue's own use of its space
    booking = Booking(
        resource=resource,
        requester=requester,
        organisation_id=requester.organisation_id,
        series_id=series.id if series is not None else None,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=held_until(resource, ends_at),
        exclusive=resource.is_exclusive,
        quantity=quantity,
        attendees=attendees,
        purpose=purpose.strip(),
        kind=kind,
        # Approved at once: written approved straight away, checked above under the resource's lock.
        status=BookingStatus.APPROVED if approved_now else BookingStatus.REQUESTED,
        decided_at=now if approved_now else None,
        decision_note=note,
        tariff_audience=quote.tariff_audience,
        price_cents=quote.price_cents,
        deposit_cents=quote.deposit_cents,
        payment_status=quote.payment_status,
        created_at=now,
        updated_at=now,
    )
    with holding_guard():
        db.session.add(booking)
    waitlist.fulfil(booking, now)
    record(
        booking,
        Action.REQUEST,
        actor if on_behalf else requester,
        None,
        to_status=BookingStatus.REQUESTED,
        at=now,
        starts_at=starts_at,
        ends_at=ends_at,
        quantity=quantity,
        price_cents=quote.price_cents,
        deposit_cents=quote.deposit_cents,
        **behalf,
    )
    if approved_now:  # (the pending requests it crosses were read with the check, under the lock)
        _approved(booking, None, note, now, pending=check.pending)
    else:
        signals.booking_requested.send(booking, actor=actor if on_behalf else requester, reason="")
    return booking


def preview_approval(
    booking: Booking, crossing: list[Booking] | None = None, pending: list[int] | None = None
) -> list[Booking]:
    """The pending requests that approving this booking would reject, for the manager to see first.

    For a space or a machine: the pending requests whose held period crosses it.
    For a kit: those that would no longer find enough units once it holds its own.
    ``crossing``: those pending requests, when the caller has them already (the desk reads every
    pending request of its venues at once): then nothing is read for a space or a machine.
    ``pending``: their ids, when the caller read them already (with the check of a new request).
    """
    if crossing is not None:
        candidates = sorted((b for b in crossing if b.id != booking.id), key=lambda b: (b.starts_at, b.id))
    else:
        if pending is not None:
            ids = [booking_id for booking_id in pending if booking_id != booking.id]
        else:
            ids = list(
                db.session.scalars(
                    queries.pending_crossing(queries.on_sqlite()),
                    {
                        "resource_id": booking.resource_id,
                        "starts_at": booking.starts_at,
                        "until": booking.holds_until,
                        "own": booking.id,
                    },
                )
            )
        if not ids:
            return []
        candidates = list(
            db.session.scalars(select(Booking).where(Booking.id.in_(ids)).order_by(Booking.starts_at, Booking.id))
        )
    resource = booking.resource
    if resource.is_exclusive or not candidates:
        return candidates
    own = Hold(booking.id, booking.resource_id, booking.starts_at, booking.holds_until, booking.quantity)
    colliding = []
    for other in candidates:
        holds = [h for h in holds_over([resource.id], other.starts_at, other.holds_until) if h.booking_id != booking.id]
        if peak_units([*holds, own], other.starts_at, other.holds_until) + other.quantity > resource.units:
            colliding.append(other)
    return colliding


def approve(booking: Booking, actor: User, note: str = "", now: datetime | None = None) -> list[Booking]:
    """Approve a pending request; returns the pending requests it rejected because they now collide."""
    now = now or utcnow()
    begin_change(booking, Action.APPROVE, actor, now)
    return _approve(booking, actor, note.strip(), now)


def _approve(booking: Booking, actor: User | None, note: str, now: datetime) -> list[Booking]:
    resource = booking.resource
    lock_resource(resource.id)
    taken = availability_reason(resource, booking.starts_at, booking.holds_until, booking.quantity, [booking.id])
    if taken is not None:
        raise Refusal(taken)
    with holding_guard():
        booking.status = BookingStatus.APPROVED
        booking.decided_by_id = actor.id if actor else None
        booking.decided_at = now
        booking.decision_note = note
    return _approved(booking, actor, note, now)


def _approved(
    booking: Booking, actor: User | None, note: str, now: datetime, pending: list[int] | None = None
) -> list[Booking]:
    """What follows an approval: the audit trail, the signal, the rejection of the requests it collides with
    (``pending``: the ids of the pending requests crossing it, when the caller read them already)."""
    record(booking, Action.APPROVE, actor, BookingStatus.REQUESTED, note, at=now, automatic=actor is None)
    signals.booking_approved.send(booking, actor=actor, reason=note)
    rejected = preview_approval(booking, pending=pending)
    for other in rejected:
        _reject(other, actor, as_text(SLOT_GIVEN_TO_ANOTHER), now, approved_booking_id=booking.id)
    return rejected


def reject(booking: Booking, actor: User, reason: str, now: datetime | None = None) -> None:
    """Turn down a pending request, with a reason."""
    now = now or utcnow()
    begin_change(booking, Action.REJECT, actor, now, reason)
    _reject(booking, actor, reason.strip(), now)


def _reject(booking: Booking, actor: User | None, reason: str, now: datetime, **details) -> None:
    booking.status = BookingStatus.REJECTED
    booking.decided_by_id = actor.id if actor else None
    booking.decided_at = now
    booking.decision_note = reason
    record(booking, Action.REJECT, actor, BookingStatus.REQUESTED, reason, at=now, **details)
    signals.booking_rejected.send(booking, actor=actor, reason=reason)


def cancel(booking: Booking, actor: User, reason: str = "", now: datetime | None = None) -> None:
    """Cancel: the requester before the start, a manager or coordinator at any time with a reason.

    A slot that was held is offered to the members waiting for it.
    """
    now = now or utcnow()
    begin_change(booking, Action.CANCEL, actor, now, reason)
    was, reason = booking.status, reason.strip()
    booking.status = BookingStatus.CANCELLED
    booking.updated_at = now
    record(booking, Action.CANCEL, actor, was, reason, at=now)
    signals.booking_cancelled.send(booking, actor=actor, reason=reason)
    if was == BookingStatus.APPROVED:
        db.session.flush()
        waitlist.offer_freed_slot(booking, booking.starts_at, booking.holds_until, actor, reason, now)


@dataclass(frozen=True)
class Change:
    """What an edit did: the fields changed ``{name: (old, new)}`` and whether it went back to a manager."""

    changes: dict
    back_to_manager: bool
    # An approved booking's change that waits for a manager (the booking is unchanged meanwhile).
    pending_change: BookingChange | None = None


@dataclass(frozen=True)
class EditCheck:
    """What an edit would do, before it is made: every reason against it, the new price, the fields
    it changes ``{name: (old, new)}``, and whether it would go back to a manager."""

    reasons: list[Reason]
    quote: Quote | None
    changes: dict
    back_to_manager: bool
    approved_at_once: bool

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def price(self) -> Quote:
        """The new quote of a possible edit."""
        if self.quote is None:
            raise ValueError("a refused edit has no quote")
        return self.quote


def check_edit(
    booking: Booking,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    quantity: int | None = None,
    attendees: int | None = None,
    purpose: str | None = None,
    now: datetime | None = None,
) -> EditCheck:
    """Every rule for the new values of ``booking`` (itself not counted as taken). Writes nothing.

    An approved booking stays approved when the change only shortens it (later start, earlier end,
    fewer units); otherwise it goes back to a manager (or is approved again at once when the
    approval policy says so). A booking under way may still be shortened: its accepted start is not
    checked again against the notice or the past.
    """
    now = now or utcnow()
    new: dict[str, Any] = {
        "starts_at": starts_at or booking.starts_at,
        "ends_at": ends_at or booking.ends_at,
        "quantity": booking.quantity if quantity is None else quantity,
        "attendees": booking.attendees if attendees is None else attendees,
        "purpose": booking.purpose if purpose is None else purpose.strip(),
    }
    resource = booking.resource
    check = check_booking(
        resource,
        booking.requester,
        new["starts_at"],
        new["ends_at"],
        quantity=new["quantity"],
        attendees=new["attendees"],
        now=now,
        exclude=[booking.id],
    )
    reasons = check.reasons
    if new["starts_at"] == booking.starts_at:
        reasons = [r for r in reasons if r.code not in (Code.PAST, Code.NOTICE, Code.HORIZON)]
    changes: dict = {}
    found = check.quote
    if found is not None and booking.is_event:
        found = Quote(found.tariff_audience, 0, 0)  # an event's space costs its venue nothing
    if not reasons and found is not None:
        quote = found
        new.update(
            holds_until=held_until(resource, new["ends_at"]),
            price_cents=quote.price_cents,
            deposit_cents=quote.deposit_cents,
            tariff_audience=quote.tariff_audience,
        )
        changes = {
            name: (getattr(booking, name), value) for name, value in new.items() if getattr(booking, name) != value
        }
        if not changes:
            reasons = [Reason(Code.NOTHING_TO_CHANGE, _l("Rien n'a changé."))]
    only_shortens = (
        new["starts_at"] >= booking.starts_at
        and new["ends_at"] <= booking.ends_at
        and new["quantity"] <= booking.quantity
    )
    return EditCheck(
        reasons,
        found,
        changes,
        booking.status == BookingStatus.APPROVED and not only_shortens,
        # An event's space moves with its event, decided by the venue's manager who moves it.
        check.approved_at_once or booking.is_event,
    )


def edit_booking(
    booking: Booking,
    actor: User,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    quantity: int | None = None,
    attendees: int | None = None,
    purpose: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Change:
    """Change the times, quantity, attendees or purpose of a pending or approved booking: the
    new values pass every rule again (see :func:`check_edit`, which says beforehand what this does).
    Price and deposit are recomputed for the new period and reported among the changes.
    """
    now = now or utcnow()
    begin_change(booking, Action.EDIT, actor, now, reason)
    check = check_edit(
        booking, starts_at=starts_at, ends_at=ends_at, quantity=quantity, attendees=attendees, purpose=purpose, now=now
    )
    if check.reasons:
        raise Refusal(check.reasons)
    changes, quote, back_to_manager = check.changes, check.price, check.back_to_manager
    was, old_start, old_until = booking.status, booking.starts_at, booking.holds_until
    if was == BookingStatus.APPROVED:
        if back_to_manager and not check.approved_at_once:
            # The approved booking keeps its slot and agreement; the new values wait beside it.
            new = {name: value for name, (_, value) in changes.items()}
            new["payment_status"] = quote.payment_status
            change = booking_changes.propose(booking, actor, new, reason.strip(), now)
            return Change(changes, back_to_manager, pending_change=change)
        booking_changes.withdraw_pending(booking, actor, now)
    with holding_guard():
        for name, (_, value) in changes.items():
            setattr(booking, name, value)
        if back_to_manager:
            booking.status = BookingStatus.REQUESTED
            booking.decided_by_id, booking.decided_at, booking.decision_note = None, None, ""
        booking.payment_status = quote.payment_status
        booking.revision += 1
        booking.updated_at = now
    record(
        booking,
        Action.EDIT,
        actor,
        was,
        reason.strip(),
        at=now,
        changes={name: [old, value] for name, (old, value) in changes.items()},
    )
    signals.booking_edited.send(booking, actor=actor, reason=reason.strip(), changes=changes)
    if back_to_manager:
        if check.approved_at_once:
            _approve(booking, None, as_text(AUTOMATIC_APPROVAL), now)
        else:
            signals.booking_requested.send(booking, actor=actor, reason=reason.strip())
    elif was == BookingStatus.APPROVED:
        waitlist.offer_freed_slot(booking, old_start, old_until, actor, reason.strip(), now)
    return Change(changes, back_to_manager)
