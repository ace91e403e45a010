"""Sending the outbox: claim a message, send it, record the outcome. No request here.

Each message is sent at most once in the normal course of things, however many senders run:

1. *claim*, in a short transaction of its own: the oldest due message (pending and due, or
   "sending" with an expired lease) is locked (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two
   senders take two different messages; SQLite: every transaction starts with ``BEGIN IMMEDIATE``,
   so claims happen one after the other), marked "sending" with a lease and a claim token, and
   its attempt counted; commit;
2. *send* (SMTP, or a ``.eml`` file in development), outside any transaction;
3. *record*, in another short transaction, if the claim token is still ours: "sent"; or, after a
   failure, "pending" again with a growing delay (doubled each time, capped), or "dead" with the
   error after ``OUTBOX_MAX_ATTEMPTS`` tries or a permanent refusal (5xx for every recipient).

An *intent* (``intent:…``, ``app.notifications.intents``: notices written by a change as what to
tell, not yet to whom) is claimed the same way; instead of 2 and 3, one transaction writes the
messages it stands for and marks it sent (``_expand``), and the pass sends those messages too. A
crash before that commit leaves the intent to be expanded again; a failed expansion is retried and
buried like a message.

A sender that dies between 1 and 3 leaves the message "sending": once its lease expires, another
sender claims it again. That is the one case where a message may go out twice (the mail server
took it, and we crashed before writing it down); it keeps its Message-ID, so mail software can
tell the copies apart. A message is never lost: it stays in the table until sent or dead, and dead
letters wait for a coordinator to send them again (``/gestion/coordination/courriels``, ``flask outbox retry``).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, event, func, or_, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.types import utcnow
from app.notifications import intents
from app.notifications.mail import QUEUED, Transport, deliver_after_commit, message_of
from app.notifications.models import MessageStatus, OutboxMessage
from app.notifications.settings import setting
from app.notifications.webhooks import WEBHOOK_KIND, WebhookFailed, post

log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is stored as it is and translated when shown."""
    return message


# Our own reasons, stored in French like the catalogue's ids and shown in the reader's language
# (:func:`error_text`); the others are the mail server's own words, shown as they came.
LEASE_EXPIRED = N_("Interrompu pendant l'envoi (délai dépassé).")
OWN_ERRORS = frozenset({LEASE_EXPIRED})


def error_text(last_error: str) -> str:
    """Why a message failed, in the reader's language when the reason is ours."""
    from app.core.i18n import gettext

    return gettext(last_error) if last_error in OWN_ERRORS else last_error


@dataclass
class Report:
    sent: int = 0
    retried: int = 0  # failed, will be tried again
    dead: int = 0  # failed for good
    expanded: int = 0  # intents made into their messages (``app.notifications.intents``), not messages sent

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.dead


def retry_delay(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed try: 1, 2, 4, 8… times the base, capped."""
    base, cap = setting("OUTBOX_RETRY_SECONDS"), setting("OUTBOX_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _due(now: datetime, only: Collection[str] | None):
    query = select(OutboxMessage).where(
        or_(
            and_(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.lease_until <= now),
        )
    )
    if only is not None:
        query = query.where(OutboxMessage.message_id.in_(list(only)))
    return query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1).with_for_update(skip_locked=True)


def _claim(session: Session, due_at: datetime, now: datetime, only: Collection[str] | None) -> OutboxMessage | None:
    """Take the next message due at ``due_at`` (the start of the pass) and lease it from ``now``."""
    max_attempts = setting("OUTBOX_MAX_ATTEMPTS")
    with session.begin():
        while (row := session.scalars(_due(due_at, only)).first()) is not None:
            if row.status == MessageStatus.SENDING and row.attempts >= max_attempts:
                _bury(row, LEASE_EXPIRED)
                session.flush()
                continue
            row.status = MessageStatus.SENDING
            row.attempts += 1
            row.lease_until = now + timedelta(seconds=setting("OUTBOX_LEASE_SECONDS"))
            row.claim_token = secrets.token_hex(16)
            if row.kind == WEBHOOK_KIND and row.webhook is not None:
                session.refresh(row.webhook)  # its URL's secret, read while the transaction lasts
            return row
    return None


def _bury(row: OutboxMessage, error: str) -> None:
    row.status = MessageStatus.DEAD
    row.last_error = error
    row.lease_until = None
    row.claim_token = None


def is_permanent(error: Exception) -> bool:
    """Refused for good: every recipient answered 5xx (a mistyped address), trying again is useless."""
    if isinstance(error, WebhookFailed):
        return error.permanent
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return False


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{type(error).__name__}: {error.smtp_code} {detail}"
    return f"{type(error).__name__}: {error}"[:2000]


def _record(session: Session, row: OutboxMessage, token: str, now: datetime, error: Exception | None) -> str:
    """Write the outcome of one try, unless another sender took the message over meanwhile."""
    with session.begin():
        current = session.get(OutboxMessage, row.id, with_for_update=True, populate_existing=True)
        if current is None or current.claim_token != token:
            return "lost"
        if error is None:
            current.status = MessageStatus.SENT
            current.sent_at = now
            current.lease_until = None
            current.claim_token = None
            current.last_error = ""
            return "sent"
        if is_permanent(error) or current.attempts >= setting("OUTBOX_MAX_ATTEMPTS"):
            _bury(current, describe(error))
            return "dead"
        current.status = MessageStatus.PENDING
        current.next_attempt_at = now + retry_delay(current.attempts)
        current.lease_until = None
        current.claim_token = None
        current.last_error = describe(error)
        return "retried"


def send_due(
    *, only: Collection[str] | None = None, limit: int | None = None, clock: Callable[[], datetime] = utcnow
) -> Report:
    """Send what was due when the pass started (or only the messages with these Message-IDs);
    returns what happened.

    One pass tries each message at most once: what is due is judged at the pass's start, and a
    message that failed in it is due again only after its retry delay, from a later moment. So a
    long pass against a dead mail server does not go back to the messages it has just tried.
    """
    report = Report()
    transport = Transport()
    started = clock()
    only = None if only is None else set(only)  # grows with the messages of the intents expanded
    with Session(db.engine, expire_on_commit=False, autobegin=False) as session:
        try:
            while limit is None or report.handled < limit:
                row = _claim(session, started, clock(), only)
                if row is None:
                    break
                token = row.claim_token
                error: Exception | None = None
                if intents.is_intent(row.kind):
                    try:
                        outcome = _expand(session, row, token, clock(), only)
                    except Exception as exc:  # noqa: BLE001 - written on the intent, tried again later
                        log.warning("outbox: intent %s could not be expanded: %s", row.id, exc)
                        session.rollback()
                        outcome = _record(session, row, token, clock(), exc)
                    if outcome != "lost":
                        setattr(report, outcome, getattr(report, outcome) + 1)
                    continue
                try:
                    if row.kind == WEBHOOK_KIND:
                        _call(row, clock())
                    else:
                        transport.send(message_of(row))
                except Exception as exc:  # noqa: BLE001 - whatever it is, it is written on the message
                    log.warning("outbox: message %s to %s failed: %s", row.id, row.to_address, exc)
                    transport.close()
                    error = exc
                outcome = _record(session, row, token, clock(), error)
                if outcome != "lost":
                    setattr(report, outcome, getattr(report, outcome) + 1)
        finally:
            transport.close()
    return report


def _expand(session: Session, row: OutboxMessage, token: str, now: datetime, only: set[str] | None) -> str:
    """An intent claimed (``app.notifications.intents``): the rows it stands for written, and the
    intent marked sent, in one transaction, unless another sender took it over meanwhile. Its
    messages are due from the intent's time: this pass sends them too."""
    with session.begin():
        current = session.get(OutboxMessage, row.id, with_for_update=True, populate_existing=True)
        if current is None or current.claim_token != token:
            return "lost"
        made = intents.expand(session, current)
        session.add_all(made)
        current.status = MessageStatus.SENT
        current.sent_at = now
        current.lease_until = None
        current.claim_token = None
        current.last_error = ""
    if only is not None:
        only.update(message.message_id for message in made if message.status == MessageStatus.PENDING)
    return "expanded"


def _call(row: OutboxMessage, now: datetime) -> None:
    """A webhook call (``app.notifications.webhooks``): to an endpoint still active, signed with its secret."""
    if row.webhook is None or not row.webhook.is_active:
        raise WebhookFailed(N_("Webhook désactivé."), permanent=True)
    post(row, row.webhook.secret, now)


def run_worker(
    stop: threading.Event, poll_seconds: float | None = None, echo: Callable[[str], None] | None = None
) -> None:
    """Send what is due, again and again, until ``stop`` is set; pause when there is nothing to do."""
    pause = setting("OUTBOX_POLL_SECONDS") if poll_seconds is None else poll_seconds
    while not stop.is_set():
        try:
            report = send_due()
        except Exception:  # the database may be away for a while: keep the worker alive
            log.exception("outbox: sending failed; trying again in %s s", pause)
            report = Report()
        if report.handled and echo:
            echo(f"{report.sent} sent, {report.retried} to retry, {report.dead} dead")
        if not report.handled:
            stop.wait(pause)


# The coordinators' view of the outbox (these work in db.session; the caller commits).


def dead_letters(limit: int = 200) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.DEAD)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def counts() -> dict[MessageStatus, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: 0 for status in MessageStatus} | {MessageStatus(status): count for status, count in rows}


@dataclass(frozen=True)
class Health:
    pending: int
    oldest_pending_seconds: int | None  # how long the oldest message due has waited
    dead: int

    def late(self, max_wait_seconds: int) -> bool:
        """The sender has not run for too long (or cannot send): a message due waits past the limit."""
        return self.oldest_pending_seconds is not None and self.oldest_pending_seconds > max_wait_seconds


def health(now: datetime | None = None) -> Health:
    """The outbox at a glance, for ``/healthz`` (messages held for a digest are not due)."""
    now = now or utcnow()
    pending, oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status.in_((MessageStatus.PENDING, MessageStatus.SENDING)),
            OutboxMessage.next_attempt_at <= now,
        )
    ).one()
    dead = db.session.scalar(select(func.count()).where(OutboxMessage.status == MessageStatus.DEAD))
    if oldest is not None and oldest.tzinfo is None:  # SQLite gives naive UTC back in aggregates
        oldest = oldest.replace(tzinfo=UTC)
    waited = int((now - oldest).total_seconds()) if oldest is not None else None
    return Health(pending=pending, oldest_pending_seconds=waited, dead=dead or 0)


def retry_dead(message: OutboxMessage, now: datetime | None = None) -> bool:
    """Give a dead message a fresh series of tries. False when it is not dead (any more)."""
    if message.status != MessageStatus.DEAD:
        return False
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
    deliver_after_commit(message.message_id)
    return True


# Development delivery: the messages of a committed transaction, sent at once.


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released: the transaction goes on
        return
    queued = session.info.pop(QUEUED, None)
    if queued and setting("OUTBOX_DELIVER_ON_COMMIT"):
        try:
            send_due(only=queued)
        except Exception:  # the change is committed; the messages wait for `flask outbox send`
            log.exception("outbox: delivery after commit failed")
