"""Bookable resources, their tariffs, and members' qualifications on machines."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.extensions import db
from app.models.types import (
    ApprovalPolicy,
    Audience,
    ResourceKind,
    TariffAudience,
    UTCDateTime,
    str_enum,
    utcnow,
)

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.consortium import OpeningHours, Venue


class Resource(db.Model):
    """A space, a machine or a mobile kit that members can book."""

    __tablename__ = "resources"
    __table_args__ = (
        sa.UniqueConstraint("venue_id", "slug", name="uq_resources_venue_slug"),
        sa.CheckConstraint("units >= 1", name="units_positive"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("min_duration_minutes >= 0", name="min_duration_non_negative"),
        sa.CheckConstraint(
            "max_duration_minutes IS NULL OR max_duration_minutes >= min_duration_minutes",
            name="max_duration_above_min",
        ),
        sa.CheckConstraint("slot_minutes >= 1", name="slot_positive"),
        sa.CheckConstraint("buffer_minutes >= 0", name="buffer_non_negative"),
        sa.CheckConstraint("notice_minutes >= 0", name="notice_non_negative"),
        sa.CheckConstraint("horizon_days >= 1", name="horizon_positive"),
        sa.CheckConstraint("deposit_cents >= 0", name="deposit_non_negative"),
        sa.Index("ix_resources_kind_active", "kind", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind, "resource_kind"))
    short_description: Mapped[str] = mapped_column(sa.String(255), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    documentation: Mapped[str] = mapped_column(sa.Text, default="")  # safety rules, how-to
    capacity: Mapped[int | None] = mapped_column()  # people, for spaces
    units: Mapped[int] = mapped_column(default=1)  # identical units, for kits
    checklist: Mapped[str] = mapped_column(sa.Text, default="")  # kit contents, one line each
    # Machines of the same type share qualifications across venues when the manager says so.
    machine_type: Mapped[str] = mapped_column(sa.String(80), default="")
    requires_training: Mapped[bool] = mapped_column(default=False)
    # Booking rules.
    min_duration_minutes: Mapped[int] = mapped_column(default=30)
    max_duration_minutes: Mapped[int | None] = mapped_column(default=8 * 60)
    slot_minutes: Mapped[int] = mapped_column(default=30)
    notice_minutes: Mapped[int] = mapped_column(default=60)
    horizon_days: Mapped[int] = mapped_column(default=180)
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    open_to: Mapped[Audience] = mapped_column(str_enum(Audience, "audience"), default=Audience.CONSORTIUM)
    approval_policy: Mapped[ApprovalPolicy] = mapped_column(
        str_enum(ApprovalPolicy, "approval_policy"), default=ApprovalPolicy.MANAGER
    )
    deposit_cents: Mapped[int] = mapped_column(default=0)
    is_test_space: Mapped[bool] = mapped_column(default=False)
    # Fair use (app.bookings.quotas): at most so many hours per member or per organisation and per
    # calendar week or month; None: no limit.
    quota_member_week: Mapped[int | None] = mapped_column()
    quota_member_month: Mapped[int | None] = mapped_column()
    quota_organisation_week: Mapped[int | None] = mapped_column()
    quota_organisation_month: Mapped[int | None] = mapped_column()
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Loaded only where asked (``app.bookings.access.bookable_resource``): whether any member waits
    # for a slot of it (an open waitlist entry); None when not loaded.
    has_waiters: Mapped[bool | None] = query_expression()

    venue: Mapped[Venue] = relationship(back_populates="resources")
    tariffs: Mapped[list[Tariff]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="Tariff.audience"
    )
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="resource",
        cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
        overlaps="opening_hours,venue",
    )
    photos: Mapped[list[ResourcePhoto]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="(ResourcePhoto.position, ResourcePhoto.id)"
    )

    @property
    def is_exclusive(self) -> bool:
        """Spaces and machines hold their slot alone; kits share units."""
        return self.kind != ResourceKind.KIT

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]

    def tariff_for(self, audience: TariffAudience) -> Tariff | None:
        return next((t for t in self.tariffs if t.audience == audience), None)

    def __repr__(self) -> str:
        return f"<Resource {self.slug} ({self.kind})>"


class Tariff(db.Model):
    """The price of a resource for one audience; any of the three rates may be absent."""

    __tablename__ = "tariffs"
    __table_args__ = (
        sa.UniqueConstraint("resource_id", "audience", name="uq_tariffs_resource_audience"),
        sa.CheckConstraint(
            "(hour_cents IS NULL OR hour_cents >= 0) AND (half_day_cents IS NULL OR half_day_cents >= 0)"
            " AND (day_cents IS NULL OR day_cents >= 0)",
            name="rates_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    audience: Mapped[TariffAudience] = mapped_column(str_enum(TariffAudience, "tariff_audience"))
    hour_cents: Mapped[int | None] = mapped_column()
    half_day_cents: Mapped[int | None] = mapped_column()
    day_cents: Mapped[int | None] = mapped_column()

    resource: Mapped[Resource] = relationship(back_populates="tariffs")


class Qualification(db.Model):
    """A member's training on a machine, granted by a manager, possibly expiring."""

    __tablename__ = "qualifications"
    __table_args__ = (sa.Index("ix_qualifications_user_resource", "user_id", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    machine_type: Mapped[str] = mapped_column(sa.String(80), default="")
    # When true, the qualification counts for every machine of the same type in the consortium.
    recognised_consortium_wide: Mapped[bool] = mapped_column(default=False)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(255), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    resource: Mapped[Resource] = relationship()

    def is_valid_at(self, moment: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= moment:
            return False
        return self.expires_at is None or moment < self.expires_at


class ResourcePhoto(db.Model):
    """A photo of a resource. The image file lives under ``instance/uploads/``; the row says how to show it."""

    __tablename__ = "resource_photos"
    __table_args__ = (sa.CheckConstraint("width >= 1 AND height >= 1 AND size_bytes >= 1", name="dimensions_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    # A random name with the extension of the format (never the uploader's file name).
    filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    alt_text: Mapped[str] = mapped_column(sa.String(255), default="")
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship(back_populates="photos")

    # The widths of the smaller copies written beside the file (``app.manage.photos``).
    SIZES = (320, 640, 1280)

    @staticmethod
    def sized_name(filename: str, width: int) -> str:
        """``abc.jpg`` → ``abc-w320.jpg``: the name of the copy of that width."""
        stem, dot, extension = filename.rpartition(".")
        return f"{stem}-w{width}{dot}{extension}"

    @property
    def sources(self) -> list[tuple[str, int]]:
        """(file name, width) of each copy, the narrowest first, the photo itself last."""
        smaller = [(self.sized_name(self.filename, width), width) for width in self.SIZES if width < self.width]
        return [*smaller, (self.filename, self.width)]

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))
