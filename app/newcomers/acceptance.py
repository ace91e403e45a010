"""Accepting a newcomer's request, and the account they create from the invitation.

On acceptance the newcomer's data are carried over at once into an organisation of audience
"newcomer" and a person who is a member of the accepting venue; that account stays inactive
(no usable password) until the newcomer opens the emailed invitation and chooses a password.
If the email already has an account, that account is used and the email says to log in.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import accounts
from app.auth.passwords import hash_password
from app.extensions import db
from app.models import (
    Audience,
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


def _carry_over_account(request: TestSpaceRequest) -> tuple[User, bool]:
    """The newcomer's account (a pending one, or the one they already have) and whether it existed."""
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
        # Not a password hash at all, so no password matches it: the account opens when the
        # newcomer chooses their password from the invitation.
        password_hash="!pending-invitation:" + secrets.token_hex(16),
        active=False,
        organisation=_newcomer_organisation(request),
    )
    db.session.add(user)
    return user, False


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


def accept(
    request: TestSpaceRequest,
    actor: User,
    note: str = "",
    test_space: Resource | None = None,
    now: datetime | None = None,
) -> User:
    """Accept the request: the newcomer's account and membership, then the invitation email."""
    _require(can_act(actor, request))
    _require_open(request)
    if test_space is not None and test_space not in offered_test_spaces(request):
        raise WorkflowError(_("Choisissez un espace test de votre lieu."))
    now = now or utcnow()
    user, account_exists = _carry_over_account(request)
    db.session.flush()
    if not any(m.venue_id == request.venue_id for m in user.memberships):
        db.session.add(VenueMembership(user=user, venue_id=request.venue_id, role=VenueRole.MEMBER))
    before, request.status = request.status, RequestStatus.ACCEPTED
    request.user = user
    request.organisation = user.organisation
    request.test_space = test_space
    request.decided_at = now
    request.invited_at = None if account_exists else now
    if account_exists:
        request.account_created_at = user.created_at
    _venue_answered(request, now)
    note = note.strip()
    db.session.flush()
    _record(request, actor, "accepted", before, note,
            test_space=test_space.slug if test_space else None, user_id=user.id)
    notices.accepted(request, note, account_exists)
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
    if request.status != RequestStatus.ACCEPTED or user is None or user.active or request.account_created_at:
        raise WorkflowError(_("Ce compte est déjà ouvert : connectez-vous."))
    now = now or utcnow()
    user.name = " ".join(name.split())
    user.phone = " ".join(phone.split())
    user.password_hash = hash_password(password)
    user.active = True
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
