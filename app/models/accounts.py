"""People and the organisations they act for."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import Audience, OrganisationKind, UTCDateTime, VenueRole, str_enum, utcnow

if TYPE_CHECKING:
    from app.models.consortium import Venue


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Organisation(db.Model):
    """The legal party a member acts for; agreements are made with it."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[OrganisationKind] = mapped_column(
        str_enum(OrganisationKind, "organisation_kind"), default=OrganisationKind.ASSOCIATION
    )
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "audience"), default=Audience.CONSORTIUM)
    street: Mapped[str] = mapped_column(sa.String(255), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(255), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    siret: Mapped[str] = mapped_column(sa.String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)

    def as_party(self) -> dict[str, str]:
        """The organisation as documents state it (agreements, a member's export of their data)."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "address": self.address,
            "email": self.email,
            "phone": self.phone,
            "siret": self.siret,
        }

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class User(UserMixin, db.Model):
    """A person with an account: member, manager of venues, coordinator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on password change: it invalidates sessions and "remember me" cookies.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong passwords in a row, and until when the next try is refused (auth.accounts.authenticate).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    login_blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False for an account made through the open sign-up until its owner follows the emailed link
    # (or a password reset link, which proves the same); such an account cannot log in.
    email_confirmed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Privacy (app.privacy): the member asked for erasure (a coordinator confirms), and when it was done.
    erasure_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Notifications: the secret of "my calendar" feed URLs (None until first asked for; reset
    # makes every old URL fail), and a manager's choice of one daily digest over immediate emails.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    daily_digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # ... or none at all about their venues (they follow the desk); their own bookings still come.
    venue_messages_off: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    memberships: Mapped[list[VenueMembership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login: the session stores "id:token", so a rotated token logs every session out.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def managed_venues(self) -> list[Venue]:
        return [m.venue for m in self.memberships if m.role == VenueRole.MANAGER]

    @property
    def member_venues(self) -> list[Venue]:
        return [m.venue for m in self.memberships]

    def manages(self, venue_id: int) -> bool:
        return any(m.venue_id == venue_id and m.role == VenueRole.MANAGER for m in self.memberships)

    @property
    def is_manager(self) -> bool:
        return any(m.role == VenueRole.MANAGER for m in self.memberships)

    @property
    def audience(self) -> Audience:
        return self.organisation.audience if self.organisation else Audience.EXTERNAL

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class VenueMembership(db.Model):
    """A person's tie to a venue: a member of it, or a manager of it."""

    __tablename__ = "venue_memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "venue_id", name="uq_venue_memberships_user_venue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    role: Mapped[VenueRole] = mapped_column(str_enum(VenueRole, "venue_role"), default=VenueRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    venue: Mapped[Venue] = relationship(back_populates="memberships")
