"""Signed tokens: the newcomer's private link and the invitation to create an account.

Both carry the request id and its ``link_nonce``; the signature (the app's secret key,
one salt per use) makes them unguessable, the timestamp makes them expire, and changing
the nonce (the purge does) voids every link already sent. A bad, expired or voided
token gives ``None``: the caller answers 404 and reveals nothing.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import db
from app.newcomers.models import TestSpaceRequest

DAY = 24 * 3600
_LINK_SALT = "newcomer-private-link"
_INVITATION_SALT = "newcomer-invitation"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _dump(request: TestSpaceRequest, salt: str) -> str:
    return _serializer(salt).dumps({"r": request.id, "n": request.link_nonce})


def _load(token: str, salt: str, max_age_days: int) -> TestSpaceRequest | None:
    try:
        data = _serializer(salt).loads(token, max_age=max_age_days * DAY)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    request = db.session.get(TestSpaceRequest, data["r"])
    if request is None or request.is_anonymised or data.get("n") != request.link_nonce:
        return None
    return request


def make_status_token(request: TestSpaceRequest) -> str:
    return _dump(request, _LINK_SALT)


def request_from_status_token(token: str) -> TestSpaceRequest | None:
    return _load(token, _LINK_SALT, current_app.config["NEWCOMER_LINK_MAX_AGE_DAYS"])


def make_invitation_token(request: TestSpaceRequest) -> str:
    return _dump(request, _INVITATION_SALT)


def request_from_invitation_token(token: str) -> TestSpaceRequest | None:
    return _load(token, _INVITATION_SALT, current_app.config["NEWCOMER_INVITATION_MAX_AGE_DAYS"])
