"""Bookings, series of bookings, and the audit trail of changes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import (
    HOLDING_STATUSES,
    BookingKind,
    BookingStatus,
    PaymentStatus,
    TariffAudience,
    UTCDateTime,
    str_enum,
    utcnow,
)

if TYPE_CHECKING:
    from app.models.accounts import Organisation, User
    from app.models.resources import Resource


class Series(db.Model):
    """Bookings repeated daily, weekly or monthly (the nth weekday of the month), approved and agreed
    together or one by one."""

    __tablename__ = "series"
    __table_args__ = (
        sa.CheckConstraint("frequency IN ('daily', 'weekly', 'monthly')", name="frequency_known"),
        sa.CheckConstraint("interval >= 1", name="interval_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="RESTRICT"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    frequency: Mapped[str] = mapped_column(sa.String(10))
    interval: Mapped[int] = mapped_column(default=1)
    # Monthly series: which weekday of the month (1 = the first, -1 = the last; the weekday is the
    # first occurrence's).
    month_position: Mapped[int | None] = mapped_column()
    until: Mapped[date | None] = mapped_column(sa.Date)
    count: Mapped[int | None] = mapped_column()
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bookings: Mapped[list[Booking]] = relationship(back_populates="series", order_by="Booking.starts_at")


class Booking(db.Model):
    """One resource, one period, a quantity and a purpose, with a status."""

    __tablename__ = "bookings"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.CheckConstraint("ends_at <= holds_until", name="hold_covers_booking"),
        sa.CheckConstraint("quantity >= 1", name="quantity_positive"),
        sa.CheckConstraint("attendees IS NULL OR attendees >= 1", name="attendees_positive"),
        sa.CheckConstraint("price_cents >= 0 AND deposit_cents >= 0", name="money_non_negative"),
        # The availability queries: bookings of one resource crossing a period, by status.
        sa.Index("ix_bookings_resource_period", "resource_id", "starts_at", "holds_until"),
        # Overlap checks scan the bookings of a resource that end after the period starts:
        # the future ones, bounded by the booking horizon, however long the history grows.
        # It covers what they read (start, status, quantity): the scan never visits the table.
        sa.Index("ix_bookings_resource_holds", "resource_id", "holds_until", "starts_at", "status", "quantity"),
        sa.Index("ix_bookings_requester_starts", "requester_id", "starts_at"),
        sa.Index("ix_bookings_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="RESTRICT"))
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # End of the booking plus the resource's buffer (setup, cleaning): the slot is held until then.
    holds_until: Mapped[datetime] = mapped_column(UTCDateTime)
    # Copied from the resource: spaces and machines are exclusive, kits share units.
    exclusive: Mapped[bool] = mapped_column(default=True)
    quantity: Mapped[int] = mapped_column(default=1)
    attendees: Mapped[int | None] = mapped_column()
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[BookingKind] = mapped_column(
        str_enum(BookingKind, "booking_kind"), default=BookingKind.MEMBER, server_default=BookingKind.MEMBER.value
    )
    status: Mapped[BookingStatus] = mapped_column(
        str_enum(BookingStatus, "booking_status"), default=BookingStatus.REQUESTED
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Money, in integer cents, computed before confirmation and never recomputed silently.
    tariff_audience: Mapped[TariffAudience | None] = mapped_column(str_enum(TariffAudience, "tariff_audience"))
    price_cents: Mapped[int] = mapped_column(default=0)
    deposit_cents: Mapped[int] = mapped_column(default=0)
    payment_status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus, "payment_status"), default=PaymentStatus.NOT_REQUIRED
    )
    # Increased on every change that a calendar or an agreement must see.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    resource: Mapped[Resource] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    series: Mapped[Series | None] = relationship(back_populates="bookings")
    kit_checks: Mapped[list[KitCheck]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="KitCheck.at"
    )

    @property
    def is_event(self) -> bool:
        """The space of a venue's event: no agreement, invoice nor member emails follow it."""
        return self.kind == BookingKind.EVENT

    @property
    def holds_slot(self) -> bool:
        return self.status in HOLDING_STATUSES

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status} {self.starts_at:%Y-%m-%d %H:%M}>"


class AuditEntry(db.Model):
    """Who did what, when and why: one row per change of an object that matters."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_subject", "subject_type", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    subject_type: Mapped[str] = mapped_column(sa.String(40))  # "booking", "resource", "user", …
    subject_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(40))  # "created", "approved", "cancelled", …
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class KitCheckKind(enum.StrEnum):
    HANDOVER = "handover"
    RETURN = "return"


class KitCheck(db.Model):
    """What was checked when a kit left the venue, or came back: contents, condition, deposit.

    ``checklist`` holds one ``{"item": str, "present": bool}`` per line of the kit's
    checklist at that moment. ``deposit_cents`` is the deposit received at hand-over,
    and the deposit given back at return (the difference was kept; the notes say why).
    """

    __tablename__ = "kit_checks"
    __table_args__ = (
        sa.UniqueConstraint("booking_id", "kind", name="uq_kit_checks_booking_kind"),
        sa.CheckConstraint("deposit_cents >= 0", name="deposit_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("bookings.id", ondelete="CASCADE"))
    kind: Mapped[KitCheckKind] = mapped_column(str_enum(KitCheckKind, "kit_check_kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    checklist: Mapped[list] = mapped_column(sa.JSON, default=list)
    condition_notes: Mapped[str] = mapped_column(sa.Text, default="")
    deposit_cents: Mapped[int] = mapped_column(default=0)
    # Where the kit is used (asked at hand-over): the commune, and the partner it goes to, if any.
    commune: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    partner: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    booking: Mapped[Booking] = relationship(back_populates="kit_checks")
    actor: Mapped[User | None] = relationship()

    @property
    def missing_items(self) -> list[str]:
        return [line["item"] for line in self.checklist if not line["present"]]
