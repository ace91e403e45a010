"""Column types and enumerations shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from app.core.clock import utcnow as utcnow  # the models' defaults read the one clock


class UTCDateTime(TypeDecorator):
    """A moment, stored as naive UTC in every database and returned as aware UTC.

    Naive datetimes are refused on the way in: a time without a zone is a bug.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; attach a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
        values_callable=lambda cls: [member.value for member in cls],
    )


class ResourceKind(enum.StrEnum):
    SPACE = "space"
    MACHINE = "machine"
    KIT = "kit"


class Audience(enum.StrEnum):
    """Who a person books for, from the closest to the consortium to the farthest.

    The order matters: a resource open to an audience is open to every audience
    before it in this list.
    """

    CONSORTIUM = "consortium"
    PARTNER = "partner"
    NEWCOMER = "newcomer"
    EXTERNAL = "external"

    @property
    def rank(self) -> int:
        return list(Audience).index(self)


class TariffAudience(enum.StrEnum):
    CONSORTIUM = "consortium"
    PARTNER = "partner"
    EXTERNAL = "external"
    # Accepted newcomers booking a test space (app.bookings.pricing).
    PROJECT_HOLDER = "project_holder"


class ApprovalPolicy(enum.StrEnum):
    """Which requests are approved without a manager's decision."""

    MANAGER = "manager"  # every request waits for a manager
    VENUE_MEMBERS = "venue_members"  # members of the owning venue are approved at once
    CONSORTIUM = "consortium"  # every consortium member is approved at once


class BookingStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    HANDED_OVER = "handed_over"
    RETURNED = "returned"


class BookingKind(enum.StrEnum):
    """What a booking is for: a member's own use, or the space of a venue's event (``app.events``).

    An event's booking holds its slot like any other, but it is the venue's own: no agreement, no
    invoice, no approval or request emails (the receivers of the engine's signals skip it).
    """

    MEMBER = "member"
    EVENT = "event"


# Statuses in which a booking holds its slot (or its kit units).
HOLDING_STATUSES = (BookingStatus.APPROVED, BookingStatus.HANDED_OVER)


class PaymentStatus(enum.StrEnum):
    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    PAID = "paid"


class OrganisationKind(enum.StrEnum):
    ASSOCIATION = "association"
    COLLECTIVE = "collective"
    COMPANY = "company"
    VENUE = "venue"
    PUBLIC_BODY = "public_body"
    INDIVIDUAL = "individual"


class VenueRole(enum.StrEnum):
    MEMBER = "member"
    MANAGER = "manager"


class ClosureStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
