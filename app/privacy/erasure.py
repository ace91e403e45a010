"""Erasure of an account (RGPD art. 17): asked for by its member, confirmed by a coordinator.

Erasure deletes what nothing obliges us to keep, and anonymises what agreements, audit trails and
activity reports must keep for their legal period: the rows stay, the person is no longer in them. It
then goes over every text and JSON column of the database for the person's name, address, phone and
the addresses they accepted agreements from (so the tables that features add later are covered too),
and replaces what it finds. No request here.

The sealed PDF files of agreements are not rewritten: a signed agreement is kept as signed for its
legal period (art. 17(3)(b) and (e)); ``docs/privacy.md`` says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import delete, or_, select

from app.agreements.models import Agreement
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.core.search import like_literal
from app.extensions import db
from app.models import (
    HOLDING_STATUSES,
    AuditEntry,
    Booking,
    OrganisationKind,
    Qualification,
    User,
    VenueMembership,
    WaitlistEntry,
    utcnow,
)
from app.notifications.models import OutboxMessage
from app.privacy.export import AUDIT_SUBJECT, newcomer_requests

ERASED = "[effacé]"
ERASED_NAME = "Compte effacé"
# Shorter names are too likely to be part of other words ("Léa" in "Léandre"): they are erased
# where they are the person's (their rows), not searched for everywhere.
SHORTEST_SEARCHED = 5


class ErasureRefused(Refusal):
    """The account cannot be erased yet; the message says why and what to do."""

    code = "erasure_refused"


def _record(actor: User | None, user: User, action: str) -> None:
    db.session.add(
        AuditEntry(actor_id=actor.id if actor else None, subject_type=AUDIT_SUBJECT, subject_id=user.id, action=action)
    )


def request_erasure(user: User, now: datetime | None = None) -> bool:
    """Record the member's request (False when one is already waiting). The caller commits."""
    if user.erasure_requested_at is not None or user.erased_at is not None:
        return False
    user.erasure_requested_at = now or utcnow()
    _record(user, user, "erasure_requested")
    return True


def withdraw_erasure(user: User) -> bool:
    """The member changed their mind before a coordinator confirmed. The caller commits."""
    if user.erasure_requested_at is None or user.erased_at is not None:
        return False
    user.erasure_requested_at = None
    _record(user, user, "erasure_withdrawn")
    return True


def waiting_erasures() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.erasure_requested_at.is_not(None), User.erased_at.is_(None))
            .order_by(User.erasure_requested_at)
        )
    )


def bookings_in_progress(user: User, now: datetime | None = None) -> int:
    """The member's bookings that still hold a slot now or later (kits not yet back included)."""
    now = now or utcnow()
    return db.session.scalar(
        select(sa.func.count())
        .select_from(Booking)
        .where(Booking.requester_id == user.id, Booking.status.in_(HOLDING_STATUSES), Booking.holds_until > now)
    )


def erase(user: User, by: User, now: datetime | None = None) -> None:
    """Erase ``user``'s account, as confirmed by the coordinator ``by``. The caller commits.

    Refused (``ErasureRefused``) while bookings are in progress or to come (a venue expects the
    person: they are cancelled or ended first), and when a coordinator would confirm their own.
    """
    now = now or utcnow()
    if user.erased_at is not None:
        raise ErasureRefused(_l("Ce compte est déjà effacé."))
    if user.id == by.id:
        raise ErasureRefused(
            _l("Un autre membre de la coordination doit confirmer l'effacement de votre propre compte.")
        )
    pending = bookings_in_progress(user, now)
    if pending:
        raise ErasureRefused(
            _l(
                "Ce compte a encore %(count)d réservation(s) en cours ou à venir : elles doivent être "
                "annulées ou terminées avant l'effacement.",
                count=pending,
            )
        )
    needles = _identifiers(user)
    # The addresses she accepted agreements from are in the audit trail too.
    needles += [
        ip
        for ip in db.session.scalars(
            select(Agreement.accepted_ip).where(Agreement.accepted_by_id == user.id).distinct()
        )
        if ip
    ]

    # What nothing obliges us to keep goes.
    # Through the ORM, one by one: the reports' roll-up then moves only her home sums (a statement in
    # bulk would send every month to be rebuilt).
    for membership in db.session.scalars(select(VenueMembership).where(VenueMembership.user_id == user.id)):
        db.session.delete(membership)
    db.session.execute(delete(WaitlistEntry).where(WaitlistEntry.user_id == user.id))
    db.session.execute(
        delete(OutboxMessage).where(or_(OutboxMessage.recipient_id == user.id, OutboxMessage.to_address == user.email))
    )
    from app.newcomers.upkeep import anonymise as anonymise_request

    for request in newcomer_requests(user):
        anonymise_request(request, now)

    # What must stay for its legal period (bookings, agreements, audit) stays, without the person.
    db.session.execute(sa.update(Booking).where(Booking.requester_id == user.id).values(purpose=""))
    db.session.execute(sa.update(Qualification).where(Qualification.user_id == user.id).values(note=""))
    for agreement in db.session.scalars(select(Agreement).where(Agreement.borrower_id == user.id)):
        agreement.content = {**agreement.content, "borrower": {"name": ERASED, "email": "", "phone": ""}}
    for column in (Agreement.accepted_by_id, Agreement.countersigned_by_id):
        prefix = "accepted" if column is Agreement.accepted_by_id else "countersigned"
        db.session.execute(
            sa.update(Agreement).where(column == user.id).values({f"{prefix}_name": ERASED, f"{prefix}_ip": ""})
        )
    organisation = user.organisation
    if organisation is not None and organisation.kind == OrganisationKind.INDIVIDUAL and organisation.members == [user]:
        organisation.name = f"{ERASED_NAME} {user.id}"
        organisation.street = organisation.postal_code = organisation.city = ""
        organisation.email = organisation.phone = organisation.siret = ""

    user.name = ERASED_NAME
    user.email = f"erased-{user.id}@invalid"
    user.phone = ""
    user.password_hash = "!erased"  # no password matches it
    user.active = False
    user.is_coordinator = False
    user.calendar_token = None
    user.daily_digest = False
    user.rotate_session_token()
    user.erased_at = now
    db.session.flush()

    # Then the person's words, wherever they were written: agreements' snapshots, notes, audit
    # details, emails sent to others about them (those are deleted: they served their purpose).
    for table, column, row_key in _text_columns():
        _scrub_column(table, column, row_key, needles)
    _record(by, user, "erased")
    db.session.flush()
    db.session.expire_all()


def _identifiers(user: User) -> list[str]:
    """What names the person: their address, phone and full name (the longest first)."""
    found = {user.email}
    if len(user.name.strip()) >= SHORTEST_SEARCHED:
        found.add(user.name.strip())
    if len(re.sub(r"\D", "", user.phone)) >= 6:
        found.add(user.phone.strip())
    organisation = user.organisation
    if organisation is not None and organisation.kind == OrganisationKind.INDIVIDUAL and organisation.members == [user]:
        found.update(
            value
            for value in (organisation.name, organisation.email, organisation.phone)
            if len(value) >= SHORTEST_SEARCHED
        )
    return sorted(found, key=len, reverse=True)


# Other people's accounts and organisations are never rewritten: a namesake keeps their name.
NOT_SEARCHED = {User.__tablename__, "organisations"}


def _text_columns() -> Iterable[tuple[sa.Table, sa.Column, list[sa.Column]]]:
    """Every column of free text or JSON, in every table (enumerations aside)."""
    for table in db.metadata.sorted_tables:
        if table.name in NOT_SEARCHED:
            continue
        key = list(table.primary_key.columns)
        for column in table.columns:
            kind = column.type
            if column.primary_key or column.foreign_keys or isinstance(kind, sa.Enum):
                continue
            if isinstance(kind, sa.JSON | sa.String) or isinstance(getattr(kind, "impl", None), sa.String):
                yield table, column, key


def _patterns(needles: list[str]) -> list[str]:
    """LIKE patterns for each needle as written, and as JSON writes it (``\\u00e8`` for è)."""
    patterns = set()
    for needle in needles:
        for form in (needle, json.dumps(needle)[1:-1]):
            patterns.add(f"%{like_literal(form)}%")
    return sorted(patterns)


def _replace(value: Any, expression: re.Pattern) -> Any:
    if isinstance(value, str):
        return expression.sub(ERASED, value)
    if isinstance(value, list):
        return [_replace(item, expression) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, expression) for key, item in value.items()}
    return value


def _scrub_column(table: sa.Table, column: sa.Column, key: list[sa.Column], needles: list[str]) -> None:
    text = sa.cast(column, sa.Text)
    matches = or_(*(text.ilike(pattern, escape="\\") for pattern in _patterns(needles)))
    rows = db.session.execute(select(*key, column).where(matches)).all()
    if not rows:
        return
    if table.name == OutboxMessage.__tablename__:
        ids = [row[0] for row in rows]
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        return
    # Whole words only: "Camille Martin" goes, "Camille Martinez" stays.
    expression = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(needle) for needle in needles) + r")(?!\w)", re.IGNORECASE
    )
    for *identity, value in rows:
        where = sa.and_(*(part == identity[index] for index, part in enumerate(key)))
        db.session.execute(sa.update(table).where(where).values({column.name: _replace(value, expression)}))
