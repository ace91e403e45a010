"""Account rules: registration, authentication and password changes. No request here."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import hash_password, needs_rehash, verify_against_nobody, verify_password
from app.extensions import db
from app.models import Audience, Organisation, OrganisationKind, User, utcnow


class EmailAlreadyRegistered(Exception):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_or_create_organisation(name: str, kind: OrganisationKind | None = None) -> Organisation:
    """Members of one association share one organisation, matched by name (case-insensitive)."""
    name = " ".join(name.split())
    existing = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if existing:
        return existing
    organisation = Organisation(name=name, kind=kind or OrganisationKind.ASSOCIATION, audience=Audience.EXTERNAL)
    db.session.add(organisation)
    return organisation


def register_user(
    *,
    name: str,
    email: str,
    password: str,
    organisation_name: str,
    organisation_kind: OrganisationKind | None = None,
    locale: str = "fr",
) -> User:
    """Create a member account. The caller commits.

    A new organisation starts with the "external" audience; a coordinator
    recognises it as a consortium member or a partner.
    """
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise EmailAlreadyRegistered(email)
    user = User(
        name=" ".join(name.split()),
        email=email,
        password_hash=hash_password(password),
        locale=locale,
        organisation=find_or_create_organisation(organisation_name, organisation_kind),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # two sign-ups with one email at the same moment
        db.session.rollback()
        raise EmailAlreadyRegistered(email) from error
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        verify_against_nobody(password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and log out every other session and "remember me" cookie."""
    user.password_hash = hash_password(new_password)
    user.rotate_session_token()
