"""Signed, expiring tokens for the links sent by email: password reset, and confirmation of the
address given at sign-up.

A reset token carries a fingerprint of the current password hash, so it stops working as soon as
the password is changed: a reset link is single-use. A confirmation token carries the address it
was sent to, and opens the account only while the account waits for it.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _read(salt: str, token: str, max_age: int) -> dict | None:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_reset_token(user) -> str:
    return _serializer("password-reset").dumps({"id": user.id, "fp": _fingerprint(user.password_hash)})


def user_from_reset_token(token: str):
    """The user the token was made for, or None when it is invalid, expired or used."""
    from app.models import User

    data = _read("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    if data is None:
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user.password_hash):
        return None
    return user


def make_confirmation_token(user) -> str:
    return _serializer("email-confirmation").dumps({"id": user.id, "email": user.email})


def user_from_confirmation_token(token: str):
    """The account waiting for this confirmation, or None when the link is invalid or expired,
    or the account is already open (a second click) or gone."""
    from app.models import User

    data = _read("email-confirmation", token, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    if data is None:
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or user.email_confirmed or data.get("email") != user.email:
        return None
    return user
