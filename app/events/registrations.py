"""Registering for an event, the waitlist, cancelling through the private link, attendance. No request here.

Seats cannot be given twice: :func:`register` takes the event's row lock before counting the
confirmed registrations (PostgreSQL: ``SELECT … FOR UPDATE``; SQLite: every transaction already
holds the write lock, ``BEGIN IMMEDIATE``), so concurrent registrations queue up and the last seat
goes to one of them; the others join the waitlist. When a confirmed person cancels (or the capacity
grows), the first on the waitlist moves up and is emailed. Nothing here commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.bookings import queries
from app.core.clock import paris_today
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Reason
from app.events import tickets
from app.events.models import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from app.events.rules import EventRefused, _require_manager, _tell
from app.extensions import db
from app.manage import audit
from app.manage.qualifications import grant
from app.models import Audience, Qualification, Resource, ResourceKind, User, utcnow

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)

__all__ = ["ACTIVE", "EventAudience", "cancel_registration", "mark_attendance", "promote", "register"]


def lock_event(event_id: int) -> None:
    """The event's row lock until the end of the transaction (nothing to do on SQLite)."""
    if not queries.on_sqlite():
        db.session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


def confirmed_count(event_id: int) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )


def register(
    event: Event,
    *,
    name: str = "",
    email: str = "",
    consent: bool = False,
    user: User | None = None,
    locale: str = "fr",
    category: str | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register a person: confirmed while seats remain, else on the waitlist; emailed either way
    with the private cancel link. A member registers with their account (name and email from it).

    Raises ``EventRefused`` (bad name or email, no consent, members only, cancelled or past event,
    already registered) before anything is written.
    """
    now = now or utcnow()
    reasons: list[Reason] = []
    if user is not None:
        name, email, locale, consent = user.name, user.email, user.locale or locale, True
    name = " ".join(name.split())
    if not name:
        reasons.append(Reason("name", _l("Indiquez votre nom."), "name"))
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        reasons.append(Reason("email", _l("Indiquez une adresse e-mail valide."), "email"))
    if not consent:
        reasons.append(Reason("consent", _l("Acceptez la politique de confidentialité pour vous inscrire."), "consent"))
    if event.is_cancelled:
        reasons.append(Reason("cancelled", _l("Cet évènement est annulé.")))
    elif event.starts_at <= now:
        reasons.append(Reason("past", _l("Les inscriptions sont closes : l'évènement a commencé.")))
    if event.members_only and (user is None or user.audience != Audience.CONSORTIUM):
        reasons.append(Reason("members_only", _l("Cet évènement est réservé aux membres : connectez-vous.")))
    ticket_category = None
    try:  # a paid event: an account and a price category (``app.events.tickets``)
        ticket_category = tickets.check(event, user, category)
    except tickets.TicketRefused as refused:
        field, message = refused.args
        reasons.append(Reason(field, message, "category" if field == "category" else None))
    if reasons:
        raise EventRefused(reasons)
    lock_event(event.id)
    existing = db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.email == email, Registration.status.in_(ACTIVE)
        )
    )
    if existing is not None:
        raise EventRefused(_l("Cette adresse est déjà inscrite à cet évènement."), field="email")
    status = (
        RegistrationStatus.CONFIRMED if confirmed_count(event.id) < event.capacity else RegistrationStatus.WAITLISTED
    )
    registration = Registration(
        event_id=event.id,
        user_id=user.id if user is not None else None,
        name=name,
        email=email,
        locale=locale,
        status=status,
        token=secrets.token_urlsafe(32),
        consent_at=now,
        created_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    template = "confirmed" if status == RegistrationStatus.CONFIRMED else "waitlisted"
    _tell(registration, f"events/email/{template}", event=event)
    tickets.registered(registration, ticket_category, now)
    return registration


def by_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.token == token))


def cancel_registration(registration: Registration, now: datetime | None = None) -> Registration | None:
    """Cancel a registration (the person, through the private link, or a manager); returns the
    person who moved up from the waitlist, if any (they are emailed)."""
    now = now or utcnow()
    if registration.status == RegistrationStatus.CANCELLED:
        raise EventRefused(_l("Cette inscription est déjà annulée."))
    event = registration.event
    if event.starts_at <= now:
        raise EventRefused(_l("L'évènement a commencé : l'inscription ne peut plus être annulée."))
    lock_event(event.id)
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    tickets.cancelled(registration, now)  # a paid ticket: credited by the cancellation rules
    if was == RegistrationStatus.CONFIRMED and not event.is_cancelled:
        promoted = promote(event, now)
        return promoted[0] if promoted else None
    return None


def promote(event: Event, now: datetime | None = None) -> list[Registration]:
    """Move the first people of the waitlist up to the free seats, in the order they registered,
    and email them."""
    now = now or utcnow()
    lock_event(event.id)
    free = event.capacity - confirmed_count(event.id)
    if free <= 0:
        return []
    waiting = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.created_at, Registration.id)
            .limit(free)
        )
    )
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        _tell(registration, "events/email/promoted", event=event)
        tickets.promoted(registration, now)  # a paid ticket: invoiced now, its seat held from now
    db.session.flush()
    return waiting


def upcoming_of(user: User, now: datetime | None = None, limit: int = 20) -> list[Registration]:
    """A member's seats (confirmed or waiting) at events still to come, soonest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.user_id == user.id,
                Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]),
                Event.status == EventStatus.PUBLISHED,
                Event.ends_at > now,
            )
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )
    )


def attendees(event: Event) -> list[Registration]:
    """Confirmed registrations first, then the waitlist in its order, then the cancelled ones."""
    order = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1, RegistrationStatus.CANCELLED: 2}
    return sorted(event.registrations, key=lambda r: (order[r.status], r.created_at, r.id))


def message_attendees(event: Event, actor: User, subject: str, body: str, now: datetime | None = None) -> int:
    """Email every confirmed person (outbox); returns how many."""
    _require_manager(actor, event.venue)
    subject, body = " ".join(subject.split()), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _l("Indiquez un objet.")
    if not body:
        errors["body"] = _l("Écrivez le message.")
    if errors:
        raise EventRefused(errors)
    sent = 0
    for registration in event.registrations:
        if registration.status == RegistrationStatus.CONFIRMED:
            _tell(registration, "events/email/message", event=event, message_subject=subject, body=body)
            sent += 1
    audit.record(actor, "event", event.id, "messaged", subject, recipients=sent)
    return sent


@dataclass
class AttendanceResult:
    attended: int
    qualified: list[Qualification]


def mark_attendance(
    event: Event,
    actor: User,
    attended_ids: set[int],
    *,
    consortium_wide: bool = False,
    expires_on: date | None = None,
    now: datetime | None = None,
) -> AttendanceResult:
    """After the event: who came. At a training, each person with an account who came gets the
    qualification on a machine of the event's type in its venue (else in the consortium), valid
    until ``expires_on`` (included; None: no end), recognised consortium-wide if the manager says so."""
    now = now or utcnow()
    _require_manager(actor, event.venue)
    if event.starts_at > now:
        raise EventRefused(_l("La présence se note une fois l'évènement commencé."))
    qualified: list[Qualification] = []
    machine = _training_machine(event) if event.machine_type else None
    count = 0
    for registration in event.registrations:
        if registration.status != RegistrationStatus.CONFIRMED:
            continue
        came = registration.id in attended_ids
        newly = came and registration.attended is not True
        registration.attended = came
        count += came
        if newly and machine is not None and registration.user is not None:
            current = db.session.scalars(
                select(Qualification).where(
                    Qualification.user_id == registration.user_id, Qualification.resource_id == machine.id
                )
            )
            if any(q.is_valid_at(now) for q in current):
                continue
            qualified.append(
                grant(
                    venue=machine.venue,
                    user=registration.user,
                    resource=machine,
                    expires_on=expires_on,
                    recognised_consortium_wide=consortium_wide,
                    note=str(_l("Formation du %(date)s", date=paris_today(event.starts_at).isoformat())),
                    actor=actor,
                    now=now,
                )
            )
    audit.record(actor, "event", event.id, "attendance", attended=count)
    return AttendanceResult(count, qualified)


def _training_machine(event: Event) -> Resource | None:
    """The machine a training qualifies for: one of the event's type in its venue, else anywhere."""
    machines = list(
        db.session.scalars(
            select(Resource)
            .where(
                Resource.kind == ResourceKind.MACHINE,
                Resource.machine_type == event.machine_type,
                Resource.is_active.is_(True),
            )
            .order_by(Resource.id)
        )
    )
    own = [m for m in machines if m.venue_id == event.venue_id]
    return (own or machines or [None])[0]
