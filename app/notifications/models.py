"""The outbox of emails, and the reminders already sent."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import User
from app.models.types import UTCDateTime, str_enum, utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # to send at ``next_attempt_at`` (first try, or a retry)
    SENDING = "sending"  # claimed by a sender until ``lease_until``; an expired lease is claimed again
    SENT = "sent"
    DEAD = "dead"  # given up after too many failures (or refused for good); ``last_error`` says why
    HELD = "held"  # waits for its recipient's daily digest
    DIGESTED = "digested"  # went out inside the digest ``digest_id``


class OutboxMessage(db.Model):
    """One email, written in the transaction of the change that causes it, sent afterwards."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The senders' question: what is due now, oldest first.
        sa.Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_recipient_status", "recipient_id", "status"),
        sa.CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Chosen when the message is queued, so that a retry carries the same Message-ID.
    # Also the sentinel that lets the rows of one flush be inserted in one statement (insertmanyvalues).
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True, insert_sentinel=True)
    kind: Mapped[str] = mapped_column(
        sa.String(80), default=""
    )  # the template, e.g. "notifications/email/booking_approved"
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    subject: Mapped[str] = mapped_column(sa.Text)
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "outbox_status"), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    digest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    # A webhook call rather than an email (``kind`` "webhook"): the partner's endpoint it goes to; the
    # URL is in ``to_address``, the event in ``subject``, the JSON body in ``text_body``.
    webhook_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))

    recipient: Mapped[User | None] = relationship()
    webhook: Mapped[WebhookEndpoint | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} to={self.to_address!r}>"


class SentReminder(db.Model):
    """A reminder of one kind about one thing (a booking, an agreement) went out: never twice."""

    __tablename__ = "sent_reminders"
    __table_args__ = (sa.UniqueConstraint("kind", "subject_id", name="uq_sent_reminders_kind_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # "booking_tomorrow", "kit_overdue", "agreement_waiting", …
    subject_id: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(db.Model):
    """A partner's URL that receives the events it subscribed to, signed with its secret (HMAC-SHA256).
    Registered by a coordinator; the calls go through the outbox (``app.notifications.webhooks``)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.String(128))  # needed in clear to sign each call
    events: Mapped[str] = mapped_column(sa.String(500), default="")  # space-separated event names
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def event_names(self) -> list[str]:
        return self.events.split()

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url!r}>"
