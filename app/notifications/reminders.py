"""Reminders, sent by ``flask reminders`` (once a day from cron, in the morning). No request here.

Each feature registers its own with :func:`reminder` (in its notices):

| kind | when | to whom | registered by |
| --- | --- | --- | --- |
| ``booking_tomorrow`` | an approved booking starts tomorrow (Paris day) | the requester | ``app.bookings.notices`` |
| ``kit_due_today`` | a kit handed over must come back today | the requester | ``app.bookings.notices`` |
| ``kit_overdue`` | a kit handed over is past its end | the requester and the venue's managers | ``app.bookings.notices`` |
| ``agreement_waiting`` | an agreement waits for acceptance for ``AGREEMENT_REMINDER_DAYS`` days | the borrower | ``app.agreements.notices`` |
| ``newcomer_request`` | a test-space request waits for the venue's answer | its venue | ``app.newcomers.upkeep`` |

Each reminder is recorded (``SentReminder``: kind + booking or agreement) with an insert that
does nothing when the row exists, in the transaction that queues the email: a second run, even
at the same moment, sends nothing twice. One person gets one email per kind, listing their bookings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import utcnow
from app.notifications.models import SentReminder


def record_once(kind: str, subject_id: int, now: datetime) -> bool:
    """Write down that this reminder goes out; False when it already went (or is going) out."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(SentReminder)
        .values(kind=kind, subject_id=subject_id, sent_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "subject_id"])
        .returning(SentReminder.id)
    )
    return db.session.execute(statement).first() is not None


REMINDERS: dict[str, Callable[[datetime], int]] = {}


def reminder(kind: str):
    """Register ``remind(now) -> how many were queued`` as the reminder of this kind."""

    def register(remind: Callable[[datetime], int]) -> Callable[[datetime], int]:
        REMINDERS[kind] = remind
        return remind

    return register


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Queue every reminder due now; returns how many of each kind (the caller commits)."""
    now = now or utcnow()
    return {kind: remind(now) for kind, remind in REMINDERS.items()}
