"""Account rules: registration, authentication and password changes. No request here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import hash_password, needs_rehash, verify_against_nobody, verify_password
from app.extensions import db
from app.models import Audience, Organisation, OrganisationKind, User, utcnow


class EmailAlreadyRegistered(Exception):
    pass


class EmailNotConfirmed(Exception):
    """The right password, for an account made through the sign-up whose address is not confirmed yet."""

    def __init__(self, user: User):
        super().__init__(user.email)
        self.user = user


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
    """Create a member account, waiting for its owner to confirm the address. The caller commits.

    A new organisation starts with the "external" audience; a coordinator
    recognises it as a consortium member or a partner. The password is hashed first, so that an
    address already registered is not told apart by a quicker refusal.
    """
    email = normalise_email(email)
    password_hash = hash_password(password)
    if find_user_by_email(email) is not None:
        raise EmailAlreadyRegistered(email)
    user = User(
        name=" ".join(name.split()),
        email=email,
        password_hash=password_hash,
        email_confirmed=False,
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


def create_account(
    *, name: str, email: str, password: str, organisation_name: str = "", coordinator: bool = False
) -> User:
    """An account made by an administrator (``flask users create``): open at once, its address
    taken as confirmed. The caller checks the address is free and commits."""
    user = User(
        name=" ".join(name.split()),
        email=normalise_email(email),
        password_hash=hash_password(password),
        is_coordinator=coordinator,
        organisation=find_or_create_organisation(organisation_name) if organisation_name.strip() else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


# After this many wrong passwords in a row, each next try on the account waits: 1 minute, then
# 2, 4… up to 15. Guesses from many addresses are held too; the owner waits a few minutes at
# most, or resets the password (which clears the count).
FREE_FAILURES = 5
MAX_BLOCK = timedelta(minutes=15)


class LoginBlocked(Exception):
    """Too many wrong passwords for this account: no try is checked before ``until``."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


def authenticate(email: str, password: str, now: datetime | None = None) -> User | None:
    """The active account with this email and password, or None. Raises ``LoginBlocked`` while
    the account waits after too many wrong passwords, and ``EmailNotConfirmed`` for the right
    password of an account whose address is not confirmed yet. The caller commits either way
    (the count of failures is written on a failure too)."""
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None:
        verify_against_nobody(password)
        return None
    if user.login_blocked_until is not None and user.login_blocked_until > now:
        raise LoginBlocked(user.login_blocked_until)
    if not verify_password(user.password_hash, password) or not user.is_active:
        user.failed_logins += 1
        if user.failed_logins >= FREE_FAILURES:
            wait = min(timedelta(minutes=2 ** (user.failed_logins - FREE_FAILURES)), MAX_BLOCK)
            user.login_blocked_until = now + wait
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.login_blocked_until = 0, None
    if not user.email_confirmed:
        raise EmailNotConfirmed(user)
    user.last_login_at = now
    return user


def confirm_email(user: User, now: datetime | None = None) -> None:
    """Open an account made through the sign-up: its owner followed the emailed link."""
    user.email_confirmed = True
    user.last_login_at = now or utcnow()


def change_password(user: User, new_password: str) -> None:
    """Set a new password and log out every other session and "remember me" cookie. (A reset
    link reaches the account's address: it confirms the address too.)"""
    user.password_hash = hash_password(new_password)
    user.email_confirmed = True
    user.failed_logins, user.login_blocked_until = 0, None
    user.rotate_session_token()
