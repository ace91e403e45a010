"""Fair use: a resource's optional limits on the hours one member, or one organisation, may book
per calendar week or month (Europe/Paris). The booking rules enforce them (app.bookings.quotas)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import str_enum


class QuotaScope(enum.StrEnum):
    """Whose hours are counted together."""

    MEMBER = "member"  # the person who books
    ORGANISATION = "organisation"  # every member of the organisation they book for


class QuotaPeriod(enum.StrEnum):
    WEEK = "week"  # Monday 00:00 to Monday 00:00, Paris time
    MONTH = "month"  # the 1st 00:00 to the next 1st 00:00, Paris time


class ResourceQuota(db.Model):
    """At most ``hours`` of the resource per person (or organisation) per week (or month)."""

    __tablename__ = "resource_quotas"
    __table_args__ = (
        sa.UniqueConstraint("resource_id", "scope", "period", name="uq_resource_quotas_resource_scope_period"),
        sa.CheckConstraint("hours >= 1", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    scope: Mapped[QuotaScope] = mapped_column(str_enum(QuotaScope, "quota_scope"))
    period: Mapped[QuotaPeriod] = mapped_column(str_enum(QuotaPeriod, "quota_period"))
    hours: Mapped[int] = mapped_column()
