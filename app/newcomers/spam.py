"""Spam protection without a third-party service.

- a honeypot field that people never see (robots fill every field);
- a minimum fill time: the form carries a signed stamp of the moment it was shown, and a
  form sent back sooner than ``NEWCOMER_MIN_FILL_SECONDS`` after is not taken;
- a rate limit per address (``NEWCOMER_RATE_LIMIT``, applied to the view with Flask-Limiter);
- length limits on every field (in the form).
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.core.clock import utcnow

_STAMP_SALT = "newcomer-form-stamp"
STAMP_MAX_AGE_SECONDS = 2 * 24 * 3600  # a form left open for two days is shown again


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_STAMP_SALT)


def make_form_stamp(shown_at: float | None = None) -> str:
    """The signed moment the form was shown (now, unless given)."""
    return _serializer().dumps({"t": round(utcnow().timestamp() if shown_at is None else shown_at, 3)})


def filled_by_a_person(stamp: str | None, now: float | None = None) -> bool:
    """True when the stamp is ours and the form took a human amount of time to fill."""
    if not stamp:
        return False
    try:
        data = _serializer().loads(stamp)
    except BadSignature:
        return False
    shown_at = data.get("t") if isinstance(data, dict) else None
    if not isinstance(shown_at, (int, float)):
        return False
    elapsed = (utcnow().timestamp() if now is None else now) - shown_at
    return current_app.config["NEWCOMER_MIN_FILL_SECONDS"] <= elapsed <= STAMP_MAX_AGE_SECONDS


def honeypot_filled(value: str | None) -> bool:
    return bool(value and value.strip())
