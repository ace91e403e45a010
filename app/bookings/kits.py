"""Lending kits: hand-over and return, each with the checklist of contents, condition notes and deposit.

At hand-over a manager ticks, line by line, the contents of the kit as listed on
the resource, notes its condition and records the deposit received. At return
the same checklist is ticked again; missing items or a deposit not given back in
full need a note saying why. Both are ``KitCheck`` rows, kept with the booking.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import current_app

from app.bookings import signals, waitlist
from app.bookings.errors import Code, Moment, Money, Reason, Refusal
from app.bookings.transitions import Action, begin_change, record
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import Booking, BookingStatus, KitCheck, KitCheckKind, User, utcnow


def _checklist(booking: Booking, ticked: Mapping[str, bool]) -> tuple[list[dict], list[Reason]]:
    """The kit's checklist with each line ticked; every line must be answered, and only those."""
    items = booking.resource.checklist_items
    unanswered = [item for item in items if item not in ticked]
    unknown = [item for item in ticked if item not in items]
    reasons = []
    if unanswered or unknown:
        reasons.append(
            Reason(
                Code.CHECKLIST,
                _l(
                    "Cochez chaque élément du kit, présent ou manquant : %(items)s.",
                    items=", ".join(unanswered or unknown),
                ),
                "checklist",
            )
        )
    return [{"item": item, "present": bool(ticked.get(item))} for item in items], reasons


def check_of(booking: Booking, kind: KitCheckKind) -> KitCheck | None:
    """The booking's hand-over or return check, if recorded."""
    return next((check for check in booking.kit_checks if check.kind == kind), None)


def deposit_received(booking: Booking) -> int:
    """The deposit received at hand-over (the deposit quoted, for a kit returned without one recorded)."""
    handover = check_of(booking, KitCheckKind.HANDOVER)
    return handover.deposit_cents if handover else booking.deposit_cents


def deposit_kept(booking: Booking) -> int:
    """What the venue kept of the deposit at the return (0 before the return, or given back in full)."""
    back = check_of(booking, KitCheckKind.RETURN)
    return max(deposit_received(booking) - back.deposit_cents, 0) if back else 0


def hand_over(
    booking: Booking,
    actor: User,
    *,
    checklist: Mapping[str, bool],
    condition_notes: str = "",
    deposit_cents: int | None = None,
    commune: str = "",
    partner: str = "",
    now: datetime | None = None,
) -> KitCheck:
    """The kit leaves the venue. ``deposit_cents`` received defaults to the deposit quoted; ``commune``
    and ``partner`` say where it is used (for the reports on the territories reached)."""
    now = now or utcnow()
    begin_change(booking, Action.HAND_OVER, actor, now)
    lines, reasons = _checklist(booking, checklist)
    hours = int(current_app.config.get("KIT_HANDOVER_EARLIEST_HOURS", 24))
    earliest = booking.starts_at - timedelta(hours=hours)
    if now < earliest:
        reasons.append(
            Reason(
                Code.TRANSITION,
                _l(
                    "La remise du kit est possible au plus tôt %(hours)s h avant le début du prêt, soit à partir "
                    "du %(earliest)s.",
                    hours=hours,
                    earliest=Moment(earliest),
                ),
                None,
            )
        )
    received = booking.deposit_cents if deposit_cents is None else deposit_cents
    if received < 0:
        reasons.append(Reason(Code.DEPOSIT, _l("Le montant de la caution ne peut pas être négatif."), "deposit"))
    if reasons:
        raise Refusal(reasons)
    check = KitCheck(
        booking=booking,
        kind=KitCheckKind.HANDOVER,
        at=now,
        actor_id=actor.id,
        checklist=lines,
        condition_notes=condition_notes.strip(),
        deposit_cents=received,
        commune=" ".join(commune.split())[:120],
        partner=" ".join(partner.split())[:200],
    )
    db.session.add(check)
    booking.status = BookingStatus.HANDED_OVER
    booking.updated_at = now
    db.session.flush()
    record(
        booking,
        Action.HAND_OVER,
        actor,
        BookingStatus.APPROVED,
        condition_notes.strip(),
        at=now,
        missing=[line["item"] for line in lines if not line["present"]],
        deposit_cents=received,
    )
    signals.booking_handed_over.send(booking, actor=actor, reason=condition_notes.strip())
    return check


def return_kit(
    booking: Booking,
    actor: User,
    *,
    checklist: Mapping[str, bool],
    condition_notes: str = "",
    deposit_returned_cents: int | None = None,
    now: datetime | None = None,
) -> KitCheck:
    """The kit comes back. The deposit given back defaults to all that was received.

    Returned before the end of the loan, the units are free again at once: the
    members waiting for them are offered the rest of the period.
    """
    now = now or utcnow()
    begin_change(booking, Action.RETURN, actor, now)
    lines, reasons = _checklist(booking, checklist)
    received = deposit_received(booking)
    given_back = received if deposit_returned_cents is None else deposit_returned_cents
    notes = condition_notes.strip()
    if not 0 <= given_back <= received:
        reasons.append(
            Reason(
                Code.DEPOSIT,
                _l("La caution rendue est comprise entre 0 et %(received)s.", received=Money(received)),
                "deposit",
            )
        )
    elif (given_back < received or any(not line["present"] for line in lines)) and not notes:
        reasons.append(
            Reason(
                Code.REASON_REQUIRED,
                _l(
                    "Décrivez ce qui manque ou ce qui est abîmé : la caution n'est pas rendue en entier ou un "
                    "élément manque."
                ),
                "condition_notes",
            )
        )
    if reasons:
        raise Refusal(reasons)
    check = KitCheck(
        booking=booking,
        kind=KitCheckKind.RETURN,
        at=now,
        actor_id=actor.id,
        checklist=lines,
        condition_notes=notes,
        deposit_cents=given_back,
    )
    db.session.add(check)
    booking.status = BookingStatus.RETURNED
    booking.updated_at = now
    db.session.flush()
    record(
        booking,
        Action.RETURN,
        actor,
        BookingStatus.HANDED_OVER,
        notes,
        at=now,
        missing=[line["item"] for line in lines if not line["present"]],
        deposit_returned_cents=given_back,
        deposit_kept_cents=received - given_back,
    )
    signals.booking_returned.send(booking, actor=actor, reason=notes)
    if now < booking.holds_until:
        waitlist.offer_freed_slot(booking, now, booking.holds_until, actor, notes, now)
    return check
