"""The snapshot of what an agreement says, taken when a version is issued.

Plain JSON (strings, numbers, lists): the PDF is rendered from it alone, so the same snapshot
always gives the same document, whatever changes later in the venues, people or resources.
Moments are ISO 8601 in UTC; they are shown in Europe/Paris when rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy import Select, bindparam, select

from app.agreements.models import AgreementKind
from app.core.clock import paris_today
from app.extensions import db
from app.models import Booking, Organisation, Resource, User, Venue, VenueMembership, VenueRole

SCHEMA = 1
# Cancellation terms stated in every agreement.
FREE_CANCELLATION_HOURS = 48
LATE_CANCELLATION_SHARE = 50  # per cent of the price due for a later cancellation


@cache
def _first_manager() -> Select:
    """The name of the venue ``:venue_id``'s first manager (built once)."""
    return (
        select(User.name)
        .join(VenueMembership, VenueMembership.user_id == User.id)
        .where(
            VenueMembership.venue_id == bindparam("venue_id", type_=VenueMembership.__table__.c.venue_id.type),
            VenueMembership.role == VenueRole.MANAGER,
        )
        .order_by(User.id)
        .limit(1)
    )


@cache
def _lead_venue() -> Select:
    return select(Venue).where(Venue.is_lead.is_(True)).order_by(Venue.id).limit(1)


def _venue(venue: Venue) -> dict:
    representative = venue.representative_name
    role = venue.representative_role
    if not representative:  # the venue's first manager, in one statement (not its every membership)
        representative = db.session.scalar(_first_manager(), {"venue_id": venue.id}) or ""
    return {
        "name": venue.name,
        "address": venue.address,
        "email": venue.email,
        "phone": venue.phone,
        "representative_name": representative,
        "representative_role": role,
    }


def _lead() -> dict | None:
    """The consortium's lead venue (one at most: ``uq_venues_one_lead``): from the venues this
    session already holds when it is one of them (the venue of a resource booked at the lead), else read."""
    lead = next(
        (
            venue
            for venue in db.session.identity_map.values()
            if isinstance(venue, Venue) and "is_lead" in sa.inspect(venue).dict and venue.is_lead
        ),
        None,
    )
    if lead is None:
        lead = db.session.scalar(_lead_venue())
    return {"name": lead.name, "address": lead.address} if lead else None


def _borrower(user: User, organisation: Organisation | None) -> tuple[dict, dict | None]:
    person = {"name": user.name, "email": user.email, "phone": user.phone}
    if organisation is None:
        return person, None
    return person, organisation.as_party()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _item(booking: Booking) -> dict:
    return {
        "booking_id": booking.id,
        "resource": booking.resource.name,
        "resource_id": booking.resource_id,
        "resource_kind": booking.resource.kind.value,
        "venue": booking.resource.venue.name,
        "starts_at": _utc(booking.starts_at),
        "ends_at": _utc(booking.ends_at),
        "quantity": booking.quantity,
        "purpose": booking.purpose,
        "attendees": booking.attendees,
        "price_cents": booking.price_cents,
        "deposit_cents": booking.deposit_cents,
    }


def _resource(resource: Resource) -> dict:
    return {
        "id": resource.id,
        "name": resource.name,
        "kind": resource.kind.value,
        "documentation": resource.documentation.strip(),
        "requires_training": resource.requires_training,
        "machine_type": resource.machine_type,
        "checklist": resource.checklist_items,
    }


def _deposit(bookings: list[Booking]) -> int:
    """A deposit is handed over with a resource and given back on its return: the largest deposit
    of each resource, added over the resources (a series of one kit pays one deposit at a time)."""
    largest: dict[int, int] = {}
    for booking in bookings:
        largest[booking.resource_id] = max(largest.get(booking.resource_id, 0), booking.deposit_cents)
    return sum(largest.values())


# What a test-space agreement says of the newcomer's project (the support given, the title): the
# newcomers feature finds it and registers how (the agreements do not import the features above).
ProjectFinder = Callable[[set[int], User], "tuple[str | None, str] | None"]
_project_finders: list[ProjectFinder] = []


def register_project_finder(finder: ProjectFinder) -> None:
    """``finder(resource_ids, borrower)``: (support kind, project title) of the newcomer's accepted
    request for one of these test spaces, or None."""
    if finder not in _project_finders:
        _project_finders.append(finder)


def _project(resource_ids: set[int], borrower: User) -> tuple[str | None, str]:
    for finder in _project_finders:
        found = finder(resource_ids, borrower)
        if found is not None:
            return found
    return None, ""


def _test_space(bookings: list[Booking], borrower: User) -> dict:
    """Period, support and review date of a test-space agreement.

    The support comes from the newcomer's accepted request for this test space, when there is
    one. The review (bilan) is set halfway through the period.
    """
    start = paris_today(bookings[0].starts_at)
    end = paris_today(max(booking.ends_at - timedelta(microseconds=1) for booking in bookings))
    support_kind, project_title = _project({booking.resource_id for booking in bookings}, borrower)
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "review_date": (start + (end - start) / 2).isoformat(),
        "support_kind": support_kind,
        "project_title": project_title,
    }


def kind_of(bookings: list[Booking]) -> AgreementKind:
    if any(booking.resource.is_test_space for booking in bookings):
        return AgreementKind.TEST_SPACE
    return AgreementKind.BOOKING


def build_content(
    bookings: list[Booking], borrower: User, organisation: Organisation | None, kind: AgreementKind
) -> dict:
    """Everything the document says, from the bookings it covers (one venue, one borrower)."""
    bookings = sorted(bookings, key=lambda booking: (booking.starts_at, booking.id))
    venue = bookings[0].resource.venue
    person, party = _borrower(borrower, organisation)
    resources: dict[int, dict] = {}
    for booking in bookings:
        resources.setdefault(booking.resource_id, _resource(booking.resource))
    series = bookings[0].series
    return {
        "schema": SCHEMA,
        "lead": _lead(),
        "venue": _venue(venue),
        "borrower": person,
        "organisation": party,
        "items": [_item(booking) for booking in bookings],
        "resources": list(resources.values()),
        "price_cents": sum(booking.price_cents for booking in bookings),
        "deposit_cents": _deposit(bookings),
        "payment_status": bookings[0].payment_status.value,
        "series": {"frequency": series.frequency, "interval": series.interval} if series else None,
        "free_cancellation_hours": FREE_CANCELLATION_HOURS,
        "late_cancellation_share": LATE_CANCELLATION_SHARE,
        "test_space": _test_space(bookings, borrower) if kind == AgreementKind.TEST_SPACE else None,
    }
