"""The data model. Import models from here: ``from app.models import Booking``."""

from app.models.accounts import Organisation, User, VenueMembership
from app.models.bookings import AuditEntry, Booking, KitCheck, KitCheckKind, Series
from app.models.consortium import Closure, ConsortiumClosure, OpeningHours, Theme, Venue, venue_themes
from app.models.resources import Qualification, Resource, ResourcePhoto, Tariff
from app.models.types import (
    HOLDING_STATUSES,
    ApprovalPolicy,
    Audience,
    BookingStatus,
    ClosureStatus,
    OrganisationKind,
    PaymentStatus,
    ResourceKind,
    TariffAudience,
    VenueRole,
    utcnow,
)
from app.models.waitlist import OPEN_WAITLIST_STATUSES, WaitlistEntry, WaitlistStatus

__all__ = [
    "HOLDING_STATUSES",
    "OPEN_WAITLIST_STATUSES",
    "ApprovalPolicy",
    "Audience",
    "AuditEntry",
    "Booking",
    "BookingStatus",
    "Closure",
    "ClosureStatus",
    "ConsortiumClosure",
    "KitCheck",
    "KitCheckKind",
    "OpeningHours",
    "Organisation",
    "OrganisationKind",
    "PaymentStatus",
    "Qualification",
    "Resource",
    "ResourceKind",
    "ResourcePhoto",
    "Series",
    "Tariff",
    "TariffAudience",
    "Theme",
    "User",
    "Venue",
    "VenueMembership",
    "VenueRole",
    "WaitlistEntry",
    "WaitlistStatus",
    "venue_themes",
    "utcnow",
]
