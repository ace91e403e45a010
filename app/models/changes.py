"""Changes asked for an approved booking, and the periods a resource is out of service.

An approved booking whose change needs a manager's decision keeps its slot, its values and its
agreement: the asked-for values wait beside it as a ``BookingChange`` ("pending"), at most one per
booking. Approving the change copies its values onto the booking (a new agreement version
follows); refusing, or withdrawing it (a new change, a cancellation), leaves the booking as it was.

A ``ResourceOutage`` takes a machine or a kit out of service (maintenance, breakdown) for a
period, with a reason: it refuses new bookings like a closure. A ``KeptBooking`` records that a
manager kept a booking that a closure or an outage hits, as an exception.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.bookings import Booking
from app.models.consortium import Closure
from app.models.resources import Resource
from app.models.types import UTCDateTime, str_enum, utcnow


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # replaced by a newer change, or the booking was cancelled


class BookingChange(db.Model):
    """The new values asked for an approved booking, waiting for a manager's decision."""

    __tablename__ = "booking_changes"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.CheckConstraint("ends_at <= holds_until", name="hold_covers_booking"),
        sa.CheckConstraint("quantity >= 1", name="quantity_positive"),
        # At most one pending change per booking.
        sa.Index(
            "uq_booking_changes_one_pending",
            "booking_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_booking_changes_status", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    status: Mapped[ChangeStatus] = mapped_column(str_enum(ChangeStatus, "change_status"), default=ChangeStatus.PENDING)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    holds_until: Mapped[datetime] = mapped_column(UTCDateTime)
    quantity: Mapped[int] = mapped_column(default=1)
    attendees: Mapped[int | None] = mapped_column()
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    # Plain strings (the values of ``TariffAudience`` and ``PaymentStatus``), copied onto the booking.
    tariff_audience: Mapped[str | None] = mapped_column(sa.String(20))
    price_cents: Mapped[int] = mapped_column(default=0)
    deposit_cents: Mapped[int] = mapped_column(default=0)
    payment_status: Mapped[str] = mapped_column(sa.String(20), default="not_required")
    # The booking's values when the change was asked: {"starts_at": …, "ends_at": …, "price_cents": …}.
    before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    booking: Mapped[Booking] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def price_difference_cents(self) -> int:
        return self.price_cents - int(self.before.get("price_cents", self.booking.price_cents))


class ResourceOutage(db.Model):
    """A machine or a kit out of service over a period, with its reason."""

    __tablename__ = "resource_outages"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.Index("ix_resource_outages_period", "resource_id", "ends_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship()


class KeptBooking(db.Model):
    """A booking a closure (or an outage) hits, kept by a manager as an exception."""

    __tablename__ = "kept_bookings"
    __table_args__ = (
        sa.UniqueConstraint("booking_id", "closure_id", name="uq_kept_bookings_closure"),
        sa.UniqueConstraint("booking_id", "outage_id", name="uq_kept_bookings_outage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    closure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("closures.id", ondelete="CASCADE"), index=True)
    outage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resource_outages.id", ondelete="CASCADE"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship()
    closure: Mapped[Closure | None] = relationship()
    outage: Mapped[ResourceOutage | None] = relationship()
