"""The shared data model. Import its models from here: ``from app.models import Booking``.

Importing this package registers the shared tables (accounts, venues, resources, bookings,
waitlist). The tables a feature owns live in that feature's ``models`` module and are registered
when it is imported: ``app.agreements.models``, ``app.newcomers.models``,
``app.notifications.models`` (the outbox). The app factory imports them all
(``app._register_models``), so an app, its migrations and its tests always see every table.
"""

from app.models import audit_rows  # noqa: F401  (the audit trail's rows, one INSERT per transaction)
from app.models.accounts import Organisation, User, VenueMembership
from app.models.bookings import AuditEntry, Booking, KitCheck, KitCheckKind, Series
from app.models.changes import BookingChange, ChangeStatus, KeptBooking, ResourceOutage
from app.models.consortium import (
    Closure,
    ConsortiumClosure,
    OpeningHours,
    Theme,
    Venue,
    VenueHolidayOpening,
    venue_themes,
)
from app.models.quotas import QUOTA_COLUMNS, QuotaPeriod, QuotaScope
from app.models.resources import Qualification, Resource, ResourcePhoto, Tariff
from app.models.types import (
    HOLDING_STATUSES,
    ApprovalPolicy,
    Audience,
    BookingKind,
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
    "QUOTA_COLUMNS",
    "ApprovalPolicy",
    "Audience",
    "AuditEntry",
    "Booking",
    "BookingKind",
    "BookingChange",
    "BookingStatus",
    "ChangeStatus",
    "Closure",
    "ClosureStatus",
    "ConsortiumClosure",
    "KeptBooking",
    "KitCheck",
    "KitCheckKind",
    "OpeningHours",
    "Organisation",
    "OrganisationKind",
    "PaymentStatus",
    "Qualification",
    "QuotaPeriod",
    "QuotaScope",
    "Resource",
    "ResourceKind",
    "ResourceOutage",
    "ResourcePhoto",
    "Series",
    "Tariff",
    "TariffAudience",
    "Theme",
    "User",
    "Venue",
    "VenueHolidayOpening",
    "VenueMembership",
    "VenueRole",
    "WaitlistEntry",
    "WaitlistStatus",
    "venue_themes",
    "utcnow",
]
