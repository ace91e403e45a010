"""The daily digest: the messages held for managers who chose one email a day. No request here.

``flask notifications digest`` (cron, every morning) gathers each manager's held messages into
one email, queued like any other, and marks them "digested" (pointing at the digest). Two runs at
once cannot send a message twice: the held rows are locked before they are read (PostgreSQL waits
for the first run and then finds them digested; SQLite runs them one after the other).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import User, utcnow
from app.notifications.compose import notify
from app.notifications.links import absolute_url
from app.notifications.mail import DIGEST_KIND, deliver_after_commit
from app.notifications.models import MessageStatus, OutboxMessage

DIGEST = DIGEST_KIND


def send_digests(now: datetime | None = None) -> dict[User | None, int]:
    """Queue one digest per manager with held messages; returns how many messages each one gathers."""
    now = now or utcnow()
    held = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.HELD)
        .order_by(OutboxMessage.recipient_id, OutboxMessage.created_at, OutboxMessage.id)
        .with_for_update()
    ).all()
    by_recipient: dict[User | None, list[OutboxMessage]] = {}
    for message in held:
        by_recipient.setdefault(message.recipient, []).append(message)
    for user, messages in by_recipient.items():
        if user is None or not user.active:  # no one to gather them for: they go out one by one
            for message in messages:
                message.status = MessageStatus.PENDING
                message.next_attempt_at = now
                deliver_after_commit(message.message_id)
            continue
        digest = notify(user, DIGEST, items=messages, preferences=absolute_url("notifications.preferences"))
        db.session.flush()
        for message in messages:
            message.status = MessageStatus.DIGESTED
            message.digest_id = digest.id if digest is not None else None
            message.sent_at = now
    db.session.flush()
    return {user: len(messages) for user, messages in by_recipient.items()}
