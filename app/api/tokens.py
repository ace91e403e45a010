"""Personal API tokens: made, listed, revoked, and recognised. No request here.

A token is ``fntp_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 is
stored: a stolen copy of the database gives no usable token. Its first 12 characters stay
readable (``prefix``) so that its owner can tell their tokens apart. It is shown once, when made.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.api.models import ApiToken
from app.core.clock import paris_to_utc, paris_today
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.models import User, utcnow

TOKEN_PREFIX = "fntp_"
SHOWN_CHARACTERS = 12
MAX_TOKENS = 20  # live tokens per member
MAX_DAYS = 5 * 366
USE_RECORDED_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


class TokenRefused(Refusal):
    code = "invalid_token"


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(user: User, name: str, expires_on: date | None = None, now: datetime | None = None):
    """A new token for ``user``; returns ``(row, plain_token)``. The plain token is never stored.
    ``expires_on``: the last Paris day it works (it stops at midnight after it)."""
    now = now or utcnow()
    name = " ".join((name or "").split())
    errors: dict[str, object] = {}
    if not name:
        errors["name"] = _l("Donnez un nom à ce jeton (par exemple : site du lieu).")
    elif len(name) > 80:
        errors["name"] = _l("80 caractères au plus.")
    expires_at = None
    if expires_on is not None:
        today = paris_today(now)
        if expires_on < today:
            errors["expires_on"] = _l("Cette date est passée.")
        elif expires_on > today + timedelta(days=MAX_DAYS):
            errors["expires_on"] = _l("Cinq ans au plus.")
        else:
            expires_at = paris_to_utc(expires_on + timedelta(days=1), time(0))
    if len(live_tokens(user, now)) >= MAX_TOKENS:
        errors["name"] = _l("Vous avez déjà 20 jetons en service : révoquez-en un d'abord.")
    if errors:
        raise TokenRefused(errors)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plain[:SHOWN_CHARACTERS],
        secret_hash=digest(plain),
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(row)
    db.session.flush()
    return row, plain


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def live_tokens(user: User, now: datetime) -> list[ApiToken]:
    return [token for token in tokens_of(user) if token.is_valid_at(now)]


def own_token(user: User, token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def revoke(token: ApiToken, now: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()


def authenticate(plain: str, now: datetime | None = None) -> ApiToken | None:
    """The token in force that ``plain`` is, with its active owner; None otherwise."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == digest(plain)))
    if token is None or not token.is_valid_at(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token
