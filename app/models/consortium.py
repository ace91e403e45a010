"""The consortium: themes, venues, opening hours and closures."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.colours import colour_class
from app.extensions import db
from app.models.types import ClosureStatus, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User, VenueMembership
    from app.models.resources import Resource

venue_themes = sa.Table(
    "venue_themes",
    db.metadata,
    sa.Column("venue_id", sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    """One of the consortium's themes; names are data, kept in both languages."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)

    venues: Mapped[list[Venue]] = relationship(secondary=venue_themes, back_populates="themes")

    def name(self, locale: str = "fr") -> str:
        return self.name_en if locale.startswith("en") else self.name_fr  # "en", "en_GB"

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class Venue(db.Model):
    """A tiers-lieu of the consortium."""

    __tablename__ = "venues"
    __table_args__ = (
        # One lead venue at most (``app.manage.coordination`` moves the mark): an agreement's
        # snapshot may take it from the venues already loaded (``app.agreements.snapshot``).
        sa.Index(
            "uq_venues_one_lead",
            "is_lead",
            unique=True,
            sqlite_where=sa.text("is_lead"),
            postgresql_where=sa.text("is_lead"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    short_description: Mapped[str] = mapped_column(sa.String(255), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    street: Mapped[str] = mapped_column(sa.String(255), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="Amiens")
    email: Mapped[str] = mapped_column(sa.String(255), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(255), default="")
    # The person who signs agreements for the venue.
    representative_name: Mapped[str] = mapped_column(sa.String(120), default="")
    representative_role: Mapped[str] = mapped_column(sa.String(120), default="")
    is_lead: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # One of the six venue colours (app.core.colours) or one of its own, #rrggbb, its mark everywhere beside its name.
    colour: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    themes: Mapped[list[Theme]] = relationship(
        secondary=venue_themes, back_populates="venues", order_by="Theme.position"
    )
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="venue",
        cascade="all, delete-orphan",
        primaryjoin="and_(OpeningHours.venue_id == Venue.id, OpeningHours.resource_id.is_(None))",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
        overlaps="resource,opening_hours",
    )
    closures: Mapped[list[Closure]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", order_by="Closure.starts_at"
    )
    resources: Mapped[list[Resource]] = relationship(back_populates="venue", order_by="(Resource.kind, Resource.name)")
    memberships: Mapped[list[VenueMembership]] = relationship(back_populates="venue", cascade="all, delete-orphan")

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)

    @property
    def colour_class(self) -> str:
        """The CSS class that gives the venue's elements its colour (``venue-brique``…, ``venue-c3``)."""
        return colour_class(self.colour, self.id)

    @property
    def managers(self) -> list[User]:
        from app.models.types import VenueRole

        return [m.user for m in self.memberships if m.role == VenueRole.MANAGER]

    def __repr__(self) -> str:
        return f"<Venue {self.slug}>"


class OpeningHours(db.Model):
    """One opening interval on a weekday, in Europe/Paris wall-clock time.

    Rows with ``resource_id`` set are a resource's own hours, which replace the
    venue's; a weekday with no row is closed. Several rows on one weekday make
    several intervals (for example 9:00-12:00 and 14:00-18:00).
    """

    __tablename__ = "opening_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("opens < closes", name="opens_before_closes"),
        sa.Index("ix_opening_hours_venue_resource", "venue_id", "resource_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"))
    resource_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # Monday = 0 … Sunday = 6
    opens: Mapped[time] = mapped_column(sa.Time)
    closes: Mapped[time] = mapped_column(sa.Time)

    venue: Mapped[Venue] = relationship(back_populates="opening_hours", overlaps="opening_hours")
    resource: Mapped[Resource | None] = relationship(back_populates="opening_hours", overlaps="opening_hours,venue")


class ConsortiumClosure(db.Model):
    """A closure proposed by a coordinator for several venues.

    It applies to a venue once that venue's manager confirms its ``Closure`` row.
    """

    __tablename__ = "consortium_closures"
    __table_args__ = (sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(255))
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    closures: Mapped[list[Closure]] = relationship(back_populates="consortium_closure")
    proposed_by: Mapped[User | None] = relationship()


class Closure(db.Model):
    """A period when a venue is closed (holidays, works, a consortium-wide day)."""

    __tablename__ = "closures"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.Index("ix_closures_venue_period", "venue_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    status: Mapped[ClosureStatus] = mapped_column(
        str_enum(ClosureStatus, "closure_status"), default=ClosureStatus.CONFIRMED
    )
    consortium_closure_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consortium_closures.id", ondelete="CASCADE")
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    venue: Mapped[Venue] = relationship(back_populates="closures")
    consortium_closure: Mapped[ConsortiumClosure | None] = relationship(back_populates="closures")


class VenueHolidayOpening(db.Model):
    """A French public holiday on which a venue chose to open (holidays close every venue otherwise)."""

    __tablename__ = "venue_holiday_openings"

    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
