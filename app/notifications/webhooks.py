"""Webhooks: partners' HTTP endpoints told of events, through the outbox's machinery. No request here.

A call is an outbox row of kind ``webhook``. The change writes, in its transaction, the event as an
intent (``intent:webhooks``, ``app.notifications.intents``); the sender that expands it writes one
call per endpoint then active and subscribed to the event, each then claimed, sent, retried with a growing delay and buried after too many failures by
``app.notifications.outbox``, which hands such rows to :func:`post` instead of the mail transport.

Each call is a ``POST`` of a JSON body with these headers::

    Content-Type: application/json
    X-FNT-Event: booking.approved
    X-FNT-Delivery: <the row's id, the same on every retry>
    X-FNT-Timestamp: 1796212800            (Unix seconds, when this try was made)
    X-FNT-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret>

The receiver recomputes the signature over the timestamp and the raw body, compares in constant
time, and refuses a timestamp more than a few minutes old (a replay). Any 2xx answer is a success;
410 Gone stops the calls for good; anything else (another status, no answer within the timeout)
is tried again later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.i18n import gettext
from app.extensions import db
from app.models.types import utcnow
from app.notifications import intents
from app.notifications.models import MessageStatus, OutboxMessage, WebhookEndpoint
from app.notifications.settings import site_domain

WEBHOOK_KIND = "webhook"
WEBHOOKS = "webhooks"  # the intents' kind: ``intent:webhooks``
TIMEOUT_SECONDS = 10
USER_AGENT = "FNT-Partage-Webhooks/1"


class WebhookFailed(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def subscribers(event: str, session: Session | None = None) -> list[WebhookEndpoint]:
    rows = (session or db.session).scalars(select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True)))
    return [endpoint for endpoint in rows if event in endpoint.event_names]


def queue_event(event: str, data: dict, now: datetime | None = None) -> OutboxMessage:
    """The event for the partners subscribed to it, in the current transaction (the caller commits):
    an intent (``app.notifications.intents``), so the change reads no endpoint; the sender that
    expands it writes one call per active endpoint subscribed then."""
    now = now or utcnow()
    payload = {"event": event, "occurred_at": now.isoformat(), "data": data}
    return intents.write(WEBHOOKS, payload, event, now, at_commit=True)


@intents.describer(WEBHOOKS)
def _describe(intent: dict) -> str:
    return gettext("Appels des partenaires abonnés à « %(event)s »", event=intent["event"])


@intents.expander(WEBHOOKS)
def _calls(session: Session, intent: dict) -> list[OutboxMessage]:
    """One call per active endpoint subscribed to the intent's event."""
    made = []
    for endpoint in subscribers(intent["event"], session):
        delivery = f"<{secrets.token_hex(16)}@{site_domain()}>"
        body = {"id": delivery.strip("<>"), "event": intent["event"], "occurred_at": intent["occurred_at"]}
        body["data"] = intent["data"]
        made.append(
            OutboxMessage(
                message_id=delivery,
                kind=WEBHOOK_KIND,
                webhook_id=endpoint.id,
                to_address=endpoint.url,
                locale="fr",
                subject=intent["event"],
                text_body=json.dumps(body, ensure_ascii=False, sort_keys=True),
                html_body=None,
                status=MessageStatus.PENDING,
            )
        )
    return made


def post(row: OutboxMessage, secret: str, now: datetime | None = None) -> None:
    """Make one try of a call; raises :class:`WebhookFailed` when it did not succeed."""
    timestamp = int((now or utcnow()).timestamp())
    body = row.text_body.encode()
    request = urllib.request.Request(
        row.to_address,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-FNT-Event": row.subject,
            "X-FNT-Delivery": row.message_id.strip("<>"),
            "X-FNT-Timestamp": str(timestamp),
            "X-FNT-Signature": sign(secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - a coordinator's URL
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookFailed(f"HTTP {error.code}", permanent=error.code == 410) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise WebhookFailed(f"{type(error).__name__}: {error}") from None
    if not 200 <= status < 300:
        raise WebhookFailed(f"HTTP {status}")
