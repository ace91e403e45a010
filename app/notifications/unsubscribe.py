"""One-click unsubscription from the venue messages (RFC 8058), without logging in. No request here.

The digest carries ``List-Unsubscribe`` (an address with a signed token naming the account) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: a mail client POSTs to that address, and the
manager receives no more email about their venues (they follow the desk; messages about their own
bookings still come). The token is signed with the app's secret; it names the account and the
purpose, so it opens nothing else.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "fnt-partage.unsubscribe.venue-messages"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def user_id_of(token: str) -> int | None:
    """The account a token names, or None for a token that was not made here."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(user_id: int) -> str:
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    path = adapter.build("notifications.unsubscribe", {"token": unsubscribe_token(user_id)})
    return current_app.config["BASE_URL"] + path
