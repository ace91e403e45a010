"""Retention, applied every day by ``flask privacy purge`` (``docs/privacy.md`` states the periods)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, or_, select

from app.extensions import db
from app.models import (
    OrganisationKind,
    User,
    utcnow,
)
from app.notifications.models import MessageStatus, OutboxMessage

OUTBOX_KEEP_DAYS = 90


def purge(
    now: datetime | None = None, *, confirmation_max_age: int, outbox_keep_days: int = OUTBOX_KEEP_DAYS
) -> dict[str, int]:
    """Delete what is past its retention period (``docs/privacy.md``); returns what went, by kind.

    - accounts made through the sign-up and never confirmed, once their link has expired (they
      could never log in, so nothing points at them), with the emails written to them and an
      individual's organisation left without members;
    - copies of the emails sent (or given up) more than ``outbox_keep_days`` days ago.
    """
    now = now or utcnow()
    unconfirmed = db.session.scalars(
        select(User).where(
            User.email_confirmed.is_(False),
            User.erased_at.is_(None),
            User.created_at < now - timedelta(seconds=confirmation_max_age),
        )
    ).all()
    for user in unconfirmed:
        organisation = user.organisation
        db.session.execute(
            delete(OutboxMessage).where(
                or_(OutboxMessage.recipient_id == user.id, OutboxMessage.to_address == user.email)
            )
        )
        db.session.delete(user)
        db.session.flush()
        if organisation is not None and organisation.kind == OrganisationKind.INDIVIDUAL:
            db.session.refresh(organisation)
            if not organisation.members:
                db.session.delete(organisation)
    before = now - timedelta(days=outbox_keep_days)
    emails = db.session.execute(
        delete(OutboxMessage).where(
            or_(
                sa.and_(OutboxMessage.status == MessageStatus.SENT, OutboxMessage.sent_at < before),
                sa.and_(OutboxMessage.status == MessageStatus.DEAD, OutboxMessage.created_at < before),
            )
        )
    ).rowcount
    db.session.flush()
    return {"unconfirmed_accounts": len(unconfirmed), "emails": emails}
