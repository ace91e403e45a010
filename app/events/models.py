"""The tables of the events feature: categories, events and registrations."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Booking, Resource, ResourcePhoto, Series, Theme, User, Venue
from app.models.types import UTCDateTime, str_enum, utcnow

event_themes = sa.Table(
    "event_themes",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class EventAudience(enum.StrEnum):
    ALL = "all"
    ADULTS = "adults"
    YOUNG = "young"
    FAMILIES = "families"
    PROFESSIONALS = "professionals"


class EventStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ProgrammeStatus(enum.StrEnum):
    """The event's place in the consortium's common programme."""

    NONE = "none"  # the venue's own event
    PROPOSED = "proposed"  # waits for the coordinators
    VALIDATED = "validated"  # carries the consortium's label
    RETURNED = "returned"  # sent back with a note


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class EventCategory(db.Model):
    """A kind of event (Apéro tiers-lieux, atelier…): data, in both languages; coordinators add more."""

    __tablename__ = "event_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)
    # Trainings name a machine type; attendance grants a qualification on it.
    is_training: Mapped[bool] = mapped_column(default=False)

    def name(self, locale: str = "fr") -> str:
        return self.name_en if locale.startswith("en") else self.name_fr


@dataclass(frozen=True)
class EventImage:
    """An event's image and its smaller copies, named as the resources' photos' (``ResourcePhoto``)."""

    filename: str
    alt_text: str
    width: int
    height: int

    ENDPOINT = "events.image"

    @property
    def content_type(self) -> str:
        extension = self.filename.rpartition(".")[2].lower()
        return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(extension, "image/jpeg")

    @property
    def sources(self) -> list[tuple[str, int]]:
        """(file name, width) of each copy, the narrowest first, the image itself last."""
        smaller = [(ResourcePhoto.sized_name(self.filename, w), w) for w in ResourcePhoto.SIZES if w < self.width]
        return [*smaller, (self.filename, self.width)]

    def source_at_least(self, width: int) -> str:
        """The smallest copy at least ``width`` pixels wide (the image itself if none is)."""
        return next((name for name, w in self.sources if w >= width), self.filename)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


class Event(db.Model):
    """A public or members-only activity in one of a venue's spaces, whose slot the engine holds."""

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint(
            "price_full_cents >= 0 AND price_reduced_cents >= 0 AND price_member_cents >= 0", name="prices_non_negative"
        ),
        sa.Index("ix_events_status_starts", "status", "starts_at"),
        sa.Index("ix_events_venue_starts", "venue_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"))
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="RESTRICT"))
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("bookings.id", ondelete="RESTRICT"), unique=True)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("event_categories.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The image's file under ``uploads/events/`` (``app.events.images``; "" without one), its
    # description read to those who do not see it, and its size in pixels.
    image_path: Mapped[str] = mapped_column(sa.String(255), default="")
    image_alt: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    image_width: Mapped[int | None] = mapped_column()
    image_height: Mapped[int | None] = mapped_column()
    audience: Mapped[EventAudience] = mapped_column(
        str_enum(EventAudience, "event_audience"), default=EventAudience.ALL
    )
    # The same as the booking's; kept here for the agenda's queries.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    members_only: Mapped[bool] = mapped_column(default=False)
    # Ticket prices in cents (0: free): full, reduced, members of the consortium.
    price_full_cents: Mapped[int] = mapped_column(default=0)
    price_reduced_cents: Mapped[int] = mapped_column(default=0)
    price_member_cents: Mapped[int] = mapped_column(default=0)
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    organiser: Mapped[str] = mapped_column(sa.String(200), default="")
    machine_type: Mapped[str] = mapped_column(sa.String(80), default="")
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus, "event_status"), default=EventStatus.PUBLISHED)
    programme_status: Mapped[ProgrammeStatus] = mapped_column(
        str_enum(ProgrammeStatus, "programme_status"), default=ProgrammeStatus.NONE
    )
    programme_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue: Mapped[Venue] = relationship()
    resource: Mapped[Resource] = relationship()
    booking: Mapped[Booking] = relationship()
    series: Mapped[Series | None] = relationship()
    category: Mapped[EventCategory] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=event_themes, order_by="Theme.position")
    created_by: Mapped[User | None] = relationship()
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", order_by="Registration.id", cascade="all, delete-orphan"
    )

    @property
    def image(self) -> EventImage | None:
        """The image, as the pictures' macros show it (``_pictures.html``); None without one."""
        if not self.image_path or not self.image_width or not self.image_height:
            return None
        return EventImage(self.image_path, self.image_alt, self.image_width, self.image_height)

    @property
    def is_free(self) -> bool:
        return not (self.price_full_cents or self.price_reduced_cents or self.price_member_cents)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def labelled(self) -> bool:
        """Part of the consortium's common programme."""
        return self.programme_status == ProgrammeStatus.VALIDATED

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r} {self.starts_at:%Y-%m-%d %H:%M}>"


class Registration(db.Model):
    """A person's seat at an event, confirmed or on the waitlist; no account needed."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        sa.Index("ix_event_registrations_event_status", "event_id", "status", "id"),
        sa.Index("ix_event_registrations_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(10), default="fr")
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus, "registration_status"), default=RegistrationStatus.CONFIRMED
    )
    # The private link's secret (the cancel link in the confirmation email).
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User | None] = relationship()
