"""Issuing, versioning and voiding agreement records, on the booking engine's signals.

The receivers run inside the engine's transaction (see app/bookings/signals.py): they only add
rows and flush, never render. Grouping:

- the bookings of one series share one agreement (a later occurrence approved on its own makes
  a new version of it);
- bookings approved together in one transaction, for one borrower at one venue, share one;
- a test space gets its own kind of agreement.

A change of a booking (times, quantity, price), or the cancellation of one of its bookings,
makes a new version from a fresh snapshot and voids the previous one; when no booking is left,
the agreement is voided without a successor. Void versions stay, with their files.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.agreements import notices, numbering, txn
from app.agreements.models import Agreement, AgreementStatus, agreement_bookings
from app.agreements.snapshot import build_content, kind_of
from app.bookings.signals import booking_approved, booking_cancelled, booking_edited, booking_rejected
from app.extensions import db
from app.models import AuditEntry, Booking, BookingStatus, User, utcnow

# Bookings that no longer belong in an agreement.
DROPPED_STATUSES = (BookingStatus.CANCELLED, BookingStatus.REJECTED, BookingStatus.REQUESTED)


def record(agreement: Agreement, actor: User | None, action: str, reason: str = "", **details) -> None:
    """One line of the audit trail about an agreement."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            subject_type="agreement",
            subject_id=agreement.id,
            action=action,
            to_status=agreement.status.value,
            reason=reason,
            details={"number": agreement.number, "version": agreement.version, **details},
        )
    )


def current_agreement_of(booking: Booking) -> Agreement | None:
    return db.session.scalars(
        select(Agreement)
        .join(agreement_bookings, agreement_bookings.c.agreement_id == Agreement.id)
        .where(agreement_bookings.c.booking_id == booking.id, Agreement.status != AgreementStatus.VOID)
    ).first()


def _current_agreement_of_series(series_id: int) -> Agreement | None:
    return db.session.scalars(
        select(Agreement).where(Agreement.series_id == series_id, Agreement.status != AgreementStatus.VOID)
    ).first()


def _group_key(booking: Booking) -> tuple:
    if booking.series_id is not None:
        return ("series", booking.series_id)
    kind = kind_of([booking])
    return ("group", booking.resource.venue_id, booking.requester_id, booking.organisation_id, kind.value)


def _locale(user: User) -> str:
    return "en" if user.locale == "en" else "fr"


def _refresh_content(agreement: Agreement) -> None:
    agreement.content = build_content(
        list(agreement.bookings), agreement.borrower, agreement.organisation, agreement.kind
    )


def _add(agreement: Agreement) -> Agreement:
    """Snapshot the content and add the new version; nothing is flushed before it is complete
    (the snapshot's queries would otherwise autoflush a half-built row)."""
    with db.session.no_autoflush:
        _refresh_content(agreement)
        db.session.add(agreement)
    db.session.flush()
    return agreement


def _new_agreement(bookings: list[Booking], now: datetime) -> Agreement:
    first = bookings[0]
    year, sequence, number = numbering.allocate(now)
    return _add(
        Agreement(
            number=number,
            year=year,
            sequence=sequence,
            version=1,
            kind=kind_of(bookings),
            venue_id=first.resource.venue_id,
            borrower=first.requester,
            organisation=first.organisation,
            series_id=first.series_id,
            locale=_locale(first.requester),
            issued_at=now,
            bookings=list(bookings),
        )
    )


def _void(agreement: Agreement, reason: str, now: datetime) -> None:
    agreement.status = AgreementStatus.VOID
    agreement.voided_at = now
    agreement.void_reason = reason


def _new_version(
    old: Agreement, bookings: list[Booking], actor: User | None, reason: str, now: datetime, already_void: bool = False
) -> Agreement:
    """Void ``old`` (unless it is already) and issue the next version of its number over ``bookings``."""
    if not already_void:
        _void(old, reason, now)
        db.session.flush()  # the old version leaves the "one current version per number" index first
    new = _add(
        Agreement(
            number=old.number,
            year=old.year,
            sequence=old.sequence,
            version=old.version + 1,
            kind=old.kind,
            venue_id=old.venue_id,
            borrower=old.borrower,
            organisation=old.organisation,
            series_id=old.series_id,
            locale=_locale(old.borrower),
            issued_at=now,
            previous=old,
            bookings=sorted(bookings, key=lambda booking: (booking.starts_at, booking.id)),
        )
    )
    if not already_void:
        record(old, actor, "voided", reason, replaced_by=new.version)
    record(new, actor, "issued", reason)
    notices.issued(new)
    return new


def _suspended_agreement_of(booking: Booking) -> Agreement | None:
    """The agreement voided, without a successor, when ``booking`` went back to a manager (an edit
    that needs a new approval): approved again, the booking resumes that number."""
    latest = db.session.scalars(
        select(Agreement)
        .join(agreement_bookings, agreement_bookings.c.agreement_id == Agreement.id)
        .where(agreement_bookings.c.booking_id == booking.id, Agreement.status == AgreementStatus.VOID)
        .order_by(Agreement.version.desc())
    ).first()
    if latest is None or latest.next_version is not None:
        return None
    return latest


def issue_for(booking: Booking, actor: User | None = None) -> Agreement:
    """The approved ``booking`` gets its agreement: joined to the one of its group in this
    transaction, added to its series' agreement as a new version, the next version of the
    agreement it had before an edit sent it back to a manager, or a new number."""
    if booking.id is None:
        db.session.flush()
    fresh = txn.inserted_in_this_transaction(booking)  # no agreement yet, none suspended: no need to look
    existing = None if fresh else current_agreement_of(booking)
    if existing is not None:
        return existing
    now = utcnow()
    key = _group_key(booking)
    in_this_transaction: Agreement | None = txn.batch().get(key)
    if in_this_transaction is not None and in_this_transaction.is_current:
        in_this_transaction.bookings.append(booking)
        _refresh_content(in_this_transaction)
        db.session.flush()
        return in_this_transaction
    if booking.series_id is not None:
        series_agreement = _current_agreement_of_series(booking.series_id)
        if series_agreement is not None:
            new = _new_version(series_agreement, [*series_agreement.bookings, booking], actor, "", now)
            txn.batch()[key] = new
            return new
    suspended = None if fresh else _suspended_agreement_of(booking)
    if suspended is not None:
        remaining = [b for b in suspended.bookings if b.status not in DROPPED_STATUSES]
        new = _new_version(suspended, remaining, actor, "", now, already_void=True)
        txn.batch()[key] = new
        return new
    agreement = _new_agreement([booking], now)
    record(agreement, actor, "issued")
    notices.issued(agreement)
    txn.batch()[key] = agreement
    return agreement


def revise_for(booking: Booking, actor: User | None = None, reason: str = "") -> Agreement | None:
    """``booking`` changed or left: its agreement gets a new version (or is voided when no booking
    is left). Returns the agreement now in force, if any."""
    agreement = current_agreement_of(booking)
    if agreement is None:
        return None
    remaining = [b for b in agreement.bookings if b.status not in DROPPED_STATUSES]
    if agreement in txn.batch().values() and remaining:
        # Issued in this very transaction: nobody has seen it yet, so it is simply brought up to date.
        agreement.bookings = remaining
        _refresh_content(agreement)
        db.session.flush()
        return agreement
    now = utcnow()
    if not remaining:
        _void(agreement, reason, now)
        db.session.flush()
        record(agreement, actor, "voided", reason)
        if all(b.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED) for b in agreement.bookings):
            notices.voided(agreement)  # (a booking back with a manager resumes the number when approved)
        return None
    new = _new_version(agreement, remaining, actor, reason, now)
    txn.batch()[_group_key(booking)] = new
    return new


# --- the engine's signals ---------------------------------------------------------------------------


@booking_approved.connect
def _on_approved(booking: Booking, actor: User | None = None, **_extra) -> None:
    if booking.is_event:  # a venue's own event in its own space: nothing to agree with anyone
        return
    issue_for(booking, actor)


@booking_edited.connect
def _on_edited(booking: Booking, actor: User | None = None, reason: str = "", **_extra) -> None:
    # Still approved: a new version with the new values. Back with a manager: the agreement goes
    # without it (voided if it was alone) until it is approved again.
    if not booking.is_event:
        revise_for(booking, actor, reason)


@booking_cancelled.connect
@booking_rejected.connect
def _on_dropped(booking: Booking, actor: User | None = None, reason: str = "", **_extra) -> None:
    if not booking.is_event:
        revise_for(booking, actor, reason)
