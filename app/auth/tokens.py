"""Signed, expiring tokens for password reset links.

The token carries a fingerprint of the current password hash, so it stops
working as soon as the password is changed: a reset link is single-use.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db

_SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_reset_token(user) -> str:
    return _serializer().dumps({"id": user.id, "fp": _fingerprint(user.password_hash)})


def user_from_reset_token(token: str):
    """The user the token was made for, or None when it is invalid, expired or used."""
    from app.models import User

    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user.password_hash):
        return None
    return user
