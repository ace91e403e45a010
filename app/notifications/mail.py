"""Queueing emails in the outbox, and the two ways of delivering one (SMTP, or a ``.eml`` file).

:func:`send_email` is the single function every email goes through. It does not send: it adds an
:class:`~app.notifications.models.OutboxMessage` to the current ``db.session`` (no commit), so the
email exists exactly when the change that causes it commits, and never if it rolls back. Sending
is a separate step (``flask outbox send``, see :mod:`app.notifications.outbox`).

Called after a commit (from a session's ``after_commit`` hook, where the transaction is over), it
writes its row in a short transaction of its own, so the email is not lost either.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
import sys
from email.header import Header
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime
from pathlib import Path

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.models.types import utcnow
from app.notifications.models import MessageStatus, OutboxMessage
from app.notifications.settings import site_domain
from app.notifications.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)

# Message-IDs queued in the session's current transaction, delivered at once after the commit
# when OUTBOX_DELIVER_ON_COMMIT is on (development without SMTP): app.notifications.outbox.
QUEUED = "notifications.queued"
# Set while the session's after-commit hooks run: the transaction is over.
_COMMITTED = "notifications.committed"


class EncodedHeader(str):
    """A header with non-ASCII text, encoded and folded by :class:`email.header.Header`.

    The message's policy would fold it between two RFC 2047 encoded words and drop the space
    that stood there (Python 3.11: "Fraiseuse numérique" arrives as "Fraiseusenumérique"); here
    every space stays inside an encoded word. The policy stores and writes a value that has a
    ``name`` and a ``fold()`` as it is (``email.policy.EmailPolicy``); read back, it is the text.
    """

    name: str

    def __new__(cls, name: str, value: str) -> EncodedHeader:
        header = super().__new__(cls, "".join(value.splitlines()))  # one line, as the policy wants
        header.name = name
        return header

    def fold(self, *, policy: Policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def message_of(row: OutboxMessage) -> EmailMessage:
    """The email a queued row stands for, with the Message-ID and date it got when queued."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = row.to_address
    message["Subject"] = EncodedHeader("Subject", row.subject) if not row.subject.isascii() else row.subject
    message["Date"] = format_datetime(row.created_at, usegmt=True)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    if row.kind == DIGEST_KIND and row.recipient_id is not None:  # RFC 2369 and RFC 8058: one click stops them
        message["List-Unsubscribe"] = f"<{unsubscribe_url(row.recipient_id)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    message["Content-Language"] = row.locale  # after the body: setting content drops Content-* headers
    return message


# The kind of the daily digest's rows (its template), the one list a manager may leave in one click.
DIGEST_KIND = "notifications/email/digest"


def current_locale() -> str:
    """The language being written in: the forced one, the request's, else the default."""
    try:
        locale = get_locale()
    except RuntimeError:  # no request, and no forced language: the selector cannot look at a session
        locale = None
    return locale.language if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def queue(
    to: str | list[str],
    subject: str,
    text: str,
    html: str | None = None,
    *,
    locale: str | None = None,
    kind: str = "",
    recipient_id: int | None = None,
    held: bool = False,
    expanding: bool = False,
) -> OutboxMessage:
    """Add one email to the outbox in the current transaction (see the module docstring);
    ``expanding``: made by a sender expanding an intent (``app.notifications.intents``), which
    writes it in its own transaction, so the row is only returned."""
    now = utcnow()
    row = OutboxMessage(
        # The service's own host name; the id part from the OS's randomness, not the ``random`` module's
        # state (which a test framework may seed, and which forked workers share).
        message_id=f"<{secrets.token_hex(16)}@{site_domain()}>",
        kind=kind,
        recipient_id=recipient_id,
        to_address=to if isinstance(to, str) else ", ".join(to),
        locale=locale or current_locale(),
        subject=" ".join(str(subject).split()),
        text_body=text,
        html_body=html,
        status=MessageStatus.HELD if held else MessageStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
    )
    if expanding:
        return row
    if db.session.info.get(_COMMITTED):
        # Called from an after-commit hook: the change is committed, the email needs a transaction of its own.
        with Session(db.engine, expire_on_commit=False) as own:
            own.add(row)
            own.info[QUEUED] = [] if held else [row.message_id]
            own.commit()
        return row
    db.session.add(row)
    if not held:
        deliver_after_commit(row.message_id)
    return row


def deliver_after_commit(message_id: str) -> None:
    """Note a message of this transaction, so that development delivery sends it at the commit."""
    db.session.info.setdefault(QUEUED, []).append(message_id)


def send_email(to: str | list[str], subject: str, text: str, html: str | None = None) -> EmailMessage:
    """Queue one email (in the current language) with the caller's transaction; the caller commits."""
    row = queue(to, subject, text, html)
    return message_of(row)


@event.listens_for(Session, "after_commit", insert=True)  # first, before other features' hooks
def _committed(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info[_COMMITTED] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_over(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_COMMITTED, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(QUEUED, None)


class Transport:
    """Delivers emails over one SMTP connection, opened when first needed (or as files)."""

    def __init__(self) -> None:
        self.client: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if not current_app.config["SMTP_HOST"]:
            _deliver_file(message)
            return
        if self.client is None:
            self.client = _connect()
        self.client.send_message(message)

    def close(self) -> None:
        """Close the connection (after an error, the next message opens a fresh one)."""
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def _connect() -> smtplib.SMTP:
    config = current_app.config
    security = config["SMTP_SECURITY"]
    context = ssl.create_default_context()
    if security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"], context=context
        )
    else:
        client = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    try:
        if security == "starttls":
            client.starttls(context=context)
        if config["SMTP_USER"]:
            client.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    except BaseException:
        client.close()
        raise
    return client


def _deliver_file(message: EmailMessage) -> Path:
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    path = outbox / f"{name}.eml"
    # Written aside then renamed: a reader never sees half a message, and a second delivery of
    # the same message (same Message-ID) replaces the file instead of adding one.
    partial = outbox / f".{name}.partial"
    partial.write_bytes(bytes(message))
    partial.replace(path)
    if current_app.config["MAIL_ECHO"]:
        print(f"--- email written to {path} ---\n{message}\n--- end of email ---", file=sys.stderr)
    return path
