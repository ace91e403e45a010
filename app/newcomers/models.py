"""Newcomers' test-space requests, their conversation, and the routing table theme -> venue."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Organisation, Resource, Theme, User, Venue
from app.models.types import UTCDateTime, str_enum, utcnow


class RequestStatus(enum.StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REDIRECTED = "redirected"  # sent on to another venue, which has not answered yet
    WITHDRAWN = "withdrawn"


# Statuses in which the request is still open: the venue can act, the newcomer can withdraw.
OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.UNDER_REVIEW, RequestStatus.REDIRECTED)


class SupportKind(enum.StrEnum):
    """The kind of support the newcomer seeks."""

    TEST_SPACE = "test_space"
    COACHING = "coaching"
    NETWORKING = "networking"
    EQUIPMENT = "equipment"
    TRAINING = "training"
    OTHER = "other"


class SpaceKind(enum.StrEnum):
    """The kind of space the project needs."""

    NONE = "none"
    WORKSHOP = "workshop"
    OFFICE = "office"
    MEETING_ROOM = "meeting_room"
    STUDIO = "studio"
    LAND = "land"
    OUTDOOR = "outdoor"
    OTHER = "other"


class MessageAuthor(enum.StrEnum):
    NEWCOMER = "newcomer"
    VENUE = "venue"


def new_link_nonce() -> str:
    return secrets.token_hex(16)


request_themes = sa.Table(
    "test_space_request_themes",
    db.metadata,
    sa.Column("request_id", sa.ForeignKey("test_space_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

# The venues that see a request in their desk: the one handling it, the other venues its
# themes match, and the venues it went through when redirected.
request_venues = sa.Table(
    "test_space_request_venues",
    db.metadata,
    sa.Column("request_id", sa.ForeignKey("test_space_requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("venue_id", sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TestSpaceRequest(db.Model):
    """A newcomer's project and needs, routed to a venue by theme, followed through a private link."""

    __tablename__ = "test_space_requests"
    __test__ = False  # not a pytest test class despite its name
    __table_args__ = (
        sa.CheckConstraint("period_start <= period_end", name="period_ordered"),
        sa.CheckConstraint("retention_days >= 1", name="retention_positive"),
        sa.Index("ix_test_space_requests_venue_status", "venue_id", "status"),
        sa.Index("ix_test_space_requests_last_activity", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "test_space_request_status"), default=RequestStatus.NEW
    )
    # The venue handling the request (None when no route matched: the coordination orients it).
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id", ondelete="SET NULL"))
    # The newcomer (erased by the purge; the rest is kept for the activity reports).
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(255), index=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    organisation_name: Mapped[str] = mapped_column(sa.String(160), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    # The project and its needs.
    project_title: Mapped[str] = mapped_column(sa.String(160))
    project_description: Mapped[str] = mapped_column(sa.Text)
    support_kind: Mapped[SupportKind] = mapped_column(str_enum(SupportKind, "support_kind"))
    space_kind: Mapped[SpaceKind] = mapped_column(str_enum(SpaceKind, "space_kind"), default=SpaceKind.NONE)
    equipment: Mapped[str] = mapped_column(sa.Text, default="")
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    # Consent to the processing of the data, and the retention period stated when it was given.
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retention_days: Mapped[int] = mapped_column()
    # Part of every private link and invitation: changing it voids them all.
    link_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_link_nonce)
    # Since when the venue owes an answer (None when it has answered), and its last reminder.
    awaiting_venue_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Any follow-up (message, status change) moves this; the purge counts from it.
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Acceptance: the test space, the account and organisation made for the newcomer.
    test_space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resources.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    account_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    venue: Mapped[Venue | None] = relationship(foreign_keys=[venue_id])
    themes: Mapped[list[Theme]] = relationship(secondary=request_themes, order_by=Theme.position)
    visible_to: Mapped[list[Venue]] = relationship(secondary=request_venues, order_by=Venue.name)
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(RequestMessage.created_at, RequestMessage.id)",
    )
    test_space: Mapped[Resource | None] = relationship()
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    def __repr__(self) -> str:
        return f"<TestSpaceRequest {self.id} {self.status}>"


class RequestMessage(db.Model):
    """One message of the conversation between the newcomer and the venue."""

    __tablename__ = "test_space_request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("test_space_requests.id", ondelete="CASCADE"), index=True)
    author: Mapped[MessageAuthor] = mapped_column(str_enum(MessageAuthor, "message_author"))
    # The manager who wrote it (None for the newcomer).
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[TestSpaceRequest] = relationship(back_populates="messages")
    author_user: Mapped[User | None] = relationship()


class NewcomerRoute(db.Model):
    """One row of the routing table: requests on this theme (and this kind of support, when set)
    go to this venue. The row with the lowest position that matches a request wins."""

    __tablename__ = "newcomer_routes"
    __table_args__ = (sa.Index("ix_newcomer_routes_position", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"))
    support_kind: Mapped[SupportKind | None] = mapped_column(str_enum(SupportKind, "support_kind"))
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    theme: Mapped[Theme] = relationship()
    venue: Mapped[Venue] = relationship()
