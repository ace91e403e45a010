"""Accepting a newcomer's request: their account, their bookings of the test space, their agreement.

On acceptance, in one transaction:

1. the newcomer's data are carried over into an organisation of audience "newcomer" and an
   account that is a member of the accepting venue. The account has no password yet (its hash
   is a marker no password matches): the newcomer opens it from the emailed invitation. If the
   email already has an account, that account is used and the email says to log in;
2. when the manager offers a test space, its sessions over the period (weekly or daily, Paris
   wall-clock times) are booked for the newcomer through the booking engine
   (``app.bookings.service``), so every rule holds (hours, closures, durations, horizon,
   audience, availability), and approved by the accepting manager. They are provisional in that
   the newcomer has not yet opened the account they belong to;
3. the approval makes the agreements module issue the test-space agreement (it listens to the
   engine's ``booking_approved`` signal in the same transaction).

If the engine refuses any session, nothing at all is written and the manager sees why.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select

from app.agreements.snapshot import register_project_finder
from app.auth import accounts
from app.auth.passwords import hash_password
from app.bookings import service
from app.calendars import access as calendar_access
from app.core.clock import paris_to_utc
from app.core.i18n import gettext as _
from app.extensions import db
from app.models import (
    Audience,
    Booking,
    BookingStatus,
    Organisation,
    OrganisationKind,
    Resource,
    User,
    VenueMembership,
    VenueRole,
    utcnow,
)
from app.newcomers import notices
from app.newcomers.models import RequestStatus, TestSpaceRequest
from app.newcomers.workflow import WorkflowError, _record, _require, _require_open, _venue_answered, can_act
from app.notifications import compose as notifications

# Not a password hash at all, so no password matches it: the account opens from the invitation.
PENDING_PASSWORD = "!pending-invitation:"


@dataclass(frozen=True)
class Schedule:
    """The test-space sessions: from ``first_day`` to ``until`` (Paris dates), every week or every
    day, from ``starts`` to ``ends`` (Paris wall-clock times)."""

    first_day: date
    starts: time
    ends: time
    until: date
    frequency: service.Frequency = service.Frequency.WEEKLY


class AcceptanceRefused(WorkflowError):
    """The sessions cannot be booked; the reasons say why, date by date."""

    code = "sessions_refused"


def offered_test_spaces(request: TestSpaceRequest) -> list[Resource]:
    """The test spaces the venue handling the request can offer."""
    if request.venue_id is None:
        return []
    return list(
        db.session.scalars(
            select(Resource)
            .where(
                Resource.venue_id == request.venue_id,
                Resource.is_test_space.is_(True),
                Resource.is_active.is_(True),
            )
            .order_by(Resource.name)
        )
    )


def account_pending(user: User | None) -> bool:
    """True while the account prepared on acceptance has not been opened by its newcomer."""
    return user is not None and user.password_hash.startswith(PENDING_PASSWORD)


def bookings_of(request: TestSpaceRequest) -> list[Booking]:
    """The newcomer's bookings of the test space they were offered, in time order."""
    if request.user_id is None or request.test_space_id is None:
        return []
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.requester_id == request.user_id, Booking.resource_id == request.test_space_id)
            .order_by(Booking.starts_at, Booking.id)
        )
    )


def _newcomer_organisation(request: TestSpaceRequest) -> Organisation:
    organisation = Organisation(
        name=request.organisation_name or request.name,
        kind=OrganisationKind.ASSOCIATION if request.organisation_name else OrganisationKind.INDIVIDUAL,
        audience=Audience.NEWCOMER,
        email=request.email,
        phone=request.phone,
    )
    db.session.add(organisation)
    return organisation


def _carry_over_account(request: TestSpaceRequest) -> tuple[User, bool]:
    """The newcomer's account (a new one waiting to be opened, or theirs) and whether it existed."""
    existing = accounts.find_user_by_email(request.email)
    if existing is not None:
        if existing.organisation is None:
            existing.organisation = _newcomer_organisation(request)
        return existing, True
    user = User(
        email=request.email,
        name=request.name,
        phone=request.phone,
        locale=request.locale,
        password_hash=PENDING_PASSWORD + secrets.token_hex(16),
        organisation=_newcomer_organisation(request),
    )
    db.session.add(user)
    return user, False


def _book_sessions(
    request: TestSpaceRequest, user: User, actor: User, space: Resource, schedule: Schedule, note: str, now: datetime
) -> list[Booking]:
    """Book every session through the engine and approve them as the accepting manager."""
    if schedule.until < schedule.first_day:
        raise AcceptanceRefused([_("La dernière séance ne peut pas précéder la première.")])
    if schedule.ends <= schedule.starts:
        raise AcceptanceRefused([_("L'heure de fin doit suivre l'heure de début.")])
    try:
        series, bookings = service.request_series(
            space,
            user,
            paris_to_utc(schedule.first_day, schedule.starts),
            paris_to_utc(schedule.first_day, schedule.ends),
            service.Repetition(schedule.frequency, until=schedule.until),
            purpose=_("Espace test : %(title)s", title=request.project_title),
            only_free=False,
            now=now,
        )
        if any(booking.status == BookingStatus.REQUESTED for booking in bookings):
            service.approve_series(series, actor, note, now=now)
    except service.Refusal as refusal:
        raise AcceptanceRefused(refusal.reasons) from refusal
    return bookings


def accept(
    request: TestSpaceRequest,
    actor: User,
    note: str = "",
    test_space: Resource | None = None,
    schedule: Schedule | None = None,
    now: datetime | None = None,
) -> User:
    """Accept the request: the newcomer's account and membership, the test-space bookings and
    agreement (when a test space is offered), then the email with the invitation."""
    _require(can_act(actor, request))
    _require_open(request)
    if test_space is not None and test_space not in offered_test_spaces(request):
        raise WorkflowError(_("Choisissez un espace test de votre lieu."))
    if test_space is not None and schedule is None:
        raise WorkflowError(_("Indiquez les séances de l'espace test."))
    now = now or utcnow()
    note = note.strip()
    user, account_exists = _carry_over_account(request)
    db.session.flush()
    if not any(m.venue_id == request.venue_id for m in user.memberships):
        db.session.add(VenueMembership(user=user, venue_id=request.venue_id, role=VenueRole.MEMBER))
        db.session.flush()
        db.session.refresh(user, ["memberships"])
    bookings = _book_sessions(request, user, actor, test_space, schedule, note, now) if test_space else []
    before, request.status = request.status, RequestStatus.ACCEPTED
    request.user = user
    request.organisation = user.organisation
    request.test_space = test_space
    request.decided_at = now
    request.invited_at = None if account_exists else now
    if account_exists:
        request.account_created_at = user.created_at
    _venue_answered(request, now)
    db.session.flush()
    _record(
        request,
        actor,
        "accepted",
        before,
        note,
        test_space=test_space.slug if test_space else None,
        user_id=user.id,
        bookings=len(bookings),
    )
    calendar = calendar_access.ensure_token(user) if bookings else None
    notices.accepted(request, note, account_exists, bookings, calendar_token=calendar)
    # That message says it all: the sessions, their agreement, the calendar. The engine's and the
    # agreement's emails of this transaction would repeat it, with links that need the account.
    notifications.covered_for_this_transaction(request.email)
    return user


def complete_account(
    request: TestSpaceRequest,
    *,
    name: str,
    password: str,
    organisation_name: str,
    organisation_kind: OrganisationKind,
    phone: str = "",
    now: datetime | None = None,
) -> User:
    """Open the account prepared on acceptance: the newcomer's password and details."""
    user = request.user
    if request.status != RequestStatus.ACCEPTED or not account_pending(user) or request.account_created_at:
        raise WorkflowError(_("Ce compte est déjà ouvert : connectez-vous."))
    now = now or utcnow()
    user.name = " ".join(name.split())
    user.phone = " ".join(phone.split())
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    if user.organisation is not None and user.organisation.audience == Audience.NEWCOMER:
        user.organisation.name = " ".join(organisation_name.split()) or user.name
        user.organisation.kind = organisation_kind
        user.organisation.phone = user.phone
    request.account_created_at = now
    request.last_activity_at = now
    _record(request, user, "account_created", RequestStatus.ACCEPTED)
    db.session.flush()
    return user


def accepted_project(resource_ids: set[int], borrower: User) -> tuple[str | None, str] | None:
    """What a test-space agreement says of the project: the support and title of the borrower's
    (or their organisation's) accepted request for one of these test spaces, the latest first."""
    conditions = [TestSpaceRequest.user_id == borrower.id]
    if borrower.organisation_id is not None:
        conditions.append(TestSpaceRequest.organisation_id == borrower.organisation_id)
    request = db.session.scalars(
        select(TestSpaceRequest)
        .where(
            TestSpaceRequest.status == RequestStatus.ACCEPTED,
            TestSpaceRequest.test_space_id.in_(resource_ids),
            or_(*conditions),
        )
        .order_by(TestSpaceRequest.decided_at.desc(), TestSpaceRequest.id.desc())
    ).first()
    return (request.support_kind.value, request.project_title) if request is not None else None


register_project_finder(accepted_project)
