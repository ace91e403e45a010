"""Members waiting for a resource over a period, offered the slot when it frees up."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.bookings import Booking
    from app.models.resources import Resource


class WaitlistStatus(enum.StrEnum):
    WAITING = "waiting"  # nothing freed up yet
    OFFERED = "offered"  # a slot freed up and was offered; still on the list until booked or withdrawn
    FULFILLED = "fulfilled"  # the member booked over the period
    WITHDRAWN = "withdrawn"  # the member left the list


# Entries that still want a slot: a freed slot is offered to them.
OPEN_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class WaitlistEntry(db.Model):
    """One member waiting for ``quantity`` units of a resource over a period."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.CheckConstraint("quantity >= 1", name="quantity_positive"),
        # Offers: the open entries of one resource whose period ends after the freed slot starts.
        sa.Index("ix_waitlist_entries_resource_status_ends", "resource_id", "status", "ends_at"),
        sa.Index("ix_waitlist_entries_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quantity: Mapped[int] = mapped_column(default=1)
    status: Mapped[WaitlistStatus] = mapped_column(
        str_enum(WaitlistStatus, "waitlist_status"), default=WaitlistStatus.WAITING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last offer: when, and which freed booking it came from.
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offered_booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resource: Mapped[Resource] = relationship()
    user: Mapped[User] = relationship()
    offered_booking: Mapped[Booking | None] = relationship()

    def __repr__(self) -> str:
        return f"<WaitlistEntry {self.id} {self.status} resource={self.resource_id}>"
