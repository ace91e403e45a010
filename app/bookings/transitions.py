"""The life of a booking: one table of allowed transitions, who may make them, and the audit trail.

    (status, action)        -> new status    who
    (none, request)         -> requested     the requester (any member the rules let book)
    (requested, approve)    -> approved      a manager of the resource's venue, a coordinator
    (requested, reject)     -> rejected      manager, coordinator; with a reason
    (requested, cancel)     -> cancelled     the requester before the start; manager, coordinator with a reason
    (approved, cancel)      -> cancelled     idem
    (requested, edit)       -> requested     the requester before the start; manager, coordinator
    (approved, edit)        -> approved; a change that does more than shorten it waits for a manager
                               as a pending BookingChange (app/bookings/changes.py)
    (approved, hand_over)   -> handed_over   kits; manager, coordinator
    (handed_over, return)   -> returned      kits; manager, coordinator

Every transition writes an ``AuditEntry`` (actor, moment, from and to status,
reason, details) and sends its signal from ``app.bookings.signals`` inside the
transaction. Nothing here commits: the caller (view, CLI) commits once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.bookings.availability import lock_resource
from app.bookings.errors import Code, Reason, Refusal, already_booked, not_allowed, reason_required
from app.bookings.queries import on_sqlite
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models import AuditEntry, Booking, BookingStatus, ResourceKind, User


class Action(enum.StrEnum):
    REQUEST = "request"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    EDIT = "edit"
    HAND_OVER = "hand_over"
    RETURN = "return"


class Role(enum.StrEnum):
    REQUESTER = "requester"
    MANAGER = "manager"  # a manager of the resource's venue
    COORDINATOR = "coordinator"


STAFF = frozenset({Role.MANAGER, Role.COORDINATOR})
ANYONE_INVOLVED = frozenset({Role.REQUESTER, *STAFF})


@dataclass(frozen=True)
class Transition:
    to: BookingStatus | None  # None: decided by the action (an edit keeps or drops the approval)
    roles: frozenset[Role]
    kits_only: bool = False
    requester_before_start: bool = False  # the requester may do it only before the booking starts
    staff_reason: bool = False  # a manager or coordinator must say why


S = BookingStatus
TRANSITIONS: dict[tuple[BookingStatus | None, Action], Transition] = {
    (None, Action.REQUEST): Transition(S.REQUESTED, frozenset({Role.REQUESTER})),
    (S.REQUESTED, Action.APPROVE): Transition(S.APPROVED, STAFF),
    (S.REQUESTED, Action.REJECT): Transition(S.REJECTED, STAFF, staff_reason=True),
    (S.REQUESTED, Action.CANCEL): Transition(
        S.CANCELLED, ANYONE_INVOLVED, requester_before_start=True, staff_reason=True
    ),
    (S.APPROVED, Action.CANCEL): Transition(
        S.CANCELLED, ANYONE_INVOLVED, requester_before_start=True, staff_reason=True
    ),
    (S.REQUESTED, Action.EDIT): Transition(None, ANYONE_INVOLVED, requester_before_start=True),
    (S.APPROVED, Action.EDIT): Transition(None, ANYONE_INVOLVED, requester_before_start=True),
    (S.APPROVED, Action.HAND_OVER): Transition(S.HANDED_OVER, STAFF, kits_only=True),
    (S.HANDED_OVER, Action.RETURN): Transition(S.RETURNED, STAFF, kits_only=True),
}

STATUS_LABELS = {
    S.REQUESTED: _l("en attente"),
    S.APPROVED: _l("validée"),
    S.REJECTED: _l("refusée"),
    S.CANCELLED: _l("annulée"),
    S.HANDED_OVER: _l("remise"),
    S.RETURNED: _l("rendue"),
}

ACTION_LABELS = {
    Action.REQUEST: _l("demander"),
    Action.APPROVE: _l("valider"),
    Action.REJECT: _l("refuser"),
    Action.CANCEL: _l("annuler"),
    Action.EDIT: _l("modifier"),
    Action.HAND_OVER: _l("remettre"),
    Action.RETURN: _l("enregistrer le retour de"),
}

# The word the audit trail keeps for each action.
AUDIT_ACTIONS = {
    Action.REQUEST: "requested",
    Action.APPROVE: "approved",
    Action.REJECT: "rejected",
    Action.CANCEL: "cancelled",
    Action.EDIT: "edited",
    Action.HAND_OVER: "handed_over",
    Action.RETURN: "returned",
}


def roles_of(user: User | None, booking: Booking) -> set[Role]:
    if user is None:
        return set()
    roles = set()
    if booking.requester_id == user.id:
        roles.add(Role.REQUESTER)
    if user.manages(booking.resource.venue_id):
        roles.add(Role.MANAGER)
    if user.is_coordinator:
        roles.add(Role.COORDINATOR)
    return roles


def authorise(booking: Booking, action: Action, actor: User, now: datetime, reason: str = "") -> Transition:
    """The transition this actor may make now, or a ``Refusal`` saying why not."""
    transition = TRANSITIONS.get((booking.status, action))
    if transition is None or (transition.kits_only and booking.resource.kind != ResourceKind.KIT):
        raise Refusal(
            Reason(
                Code.TRANSITION,
                _l(
                    "Une réservation %(status)s ne peut pas être modifiée ainsi (%(action)s).",
                    status=STATUS_LABELS[booking.status],
                    action=ACTION_LABELS[action],
                ),
            )
        )
    roles = roles_of(actor, booking) & transition.roles
    if not roles:
        raise Refusal(not_allowed())
    as_requester = Role.REQUESTER in roles and (not transition.requester_before_start or now < booking.starts_at)
    as_staff = bool(roles & STAFF)
    if not as_requester and not as_staff:
        raise Refusal(
            Reason(Code.STARTED, _l("La réservation a commencé : adressez-vous à un·e gestionnaire du lieu."))
        )
    if transition.staff_reason and not as_requester and not reason.strip():
        raise Refusal(reason_required())
    return transition


def begin_change(booking: Booking, action: Action, actor: User, now: datetime, reason: str = "") -> Transition:
    """Lock the booking's resource, read the booking again as committed, then ``authorise``.

    Every change of a resource's bookings queues on the resource's lock, so a
    booking read before the lock (approved or cancelled meanwhile by someone else)
    is read again before deciding: no change is made over another one. On SQLite
    the transaction holds the database's write lock from its first statement, so
    what it read is current.
    """
    lock_resource(booking.resource_id)
    if not on_sqlite():
        db.session.refresh(booking)
    return authorise(booking, action, actor, now, reason)


def allowed_actions(booking: Booking, user: User, now: datetime) -> list[Action]:
    """What this person may do with the booking now (for the buttons of a page)."""
    allowed = []
    for status, action in TRANSITIONS:
        if status != booking.status:
            continue
        try:
            authorise(booking, action, user, now, reason="(preview)")
        except Refusal:
            continue
        allowed.append(action)
    return allowed


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def record(
    booking: Booking,
    action: Action,
    actor: User | None,
    from_status: BookingStatus | None,
    reason: str = "",
    at: datetime | None = None,
    to_status: BookingStatus | None = None,
    **details: Any,
) -> AuditEntry:
    """One line of the booking's audit trail, in the same transaction as the change.

    ``to_status`` defaults to the booking's status now.
    """
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        subject_type="booking",
        subject_id=booking.id,
        action=AUDIT_ACTIONS[action],
        from_status=from_status.value if from_status is not None else None,
        to_status=(to_status or booking.status).value,
        reason=reason,
        details=_plain(details),
    )
    if at is not None:
        entry.at = at
    db.session.add(entry)
    return entry


@contextmanager
def holding_guard() -> Iterator[None]:
    """Flush the changes made in the block inside a savepoint.

    On PostgreSQL the exclusion constraint ``ex_bookings_no_overlap`` is the last
    line of defence: if two holders of the same slot ever reach the database, the
    violation (SQLSTATE 23P01) is rolled back to the savepoint and becomes the
    same "already booked" refusal as the engine's own check. SQLite has no such
    constraint (its write lock serialises the engine's checks): a plain flush.
    """
    if on_sqlite():
        yield
        db.session.flush()
        return
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) == "23P01":
            raise Refusal(already_booked()) from error
        raise
