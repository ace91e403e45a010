"""The agreements' world (also that of the privacy tests): a lending venue with a space, a machine
and a kit, a borrower and their organisation; bookings, and approvals, edits and cancellations sent
exactly as the booking engine sends them (status set, then the signal inside the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.bookings.signals import booking_approved, booking_cancelled, booking_edited
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Organisation,
    PaymentStatus,
    Resource,
    ResourceKind,
    Series,
    User,
    Venue,
    VenueRole,
)
from tests.factories import add_membership, make_resource, make_user, make_venue

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Paris wall-clock time, aware in Paris time (``tests.factories.bookings.paris`` gives the same
    instant in UTC: the agreements' tests have always worked with the Paris-aware one)."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@dataclass
class AgreementsWorld:
    lead: Venue
    venue: Venue
    space: Resource
    machine: Resource
    kit: Resource
    borrower: User
    organisation: Organisation
    manager: User
    other_member: User
    other_manager: User
    coordinator: User


def make_world(borrower_locale: str = "fr") -> AgreementsWorld:
    lead = make_venue(
        "la-machinerie",
        "La Machinerie",
        is_lead=True,
        representative_name="Élise Durand",
        representative_role="Directrice",
    )
    lead.street = "2 rue Dijon"
    venue = make_venue(
        "la-briqueterie",
        "La Briqueterie",
        email="contact@briqueterie.example",
        phone="03 22 00 00 01",
        representative_name="Marc Lefèvre",
        representative_role="Président",
    )
    venue.street, venue.postal_code = "10 rue des Briques", "80080"
    space = make_resource(
        venue,
        "grande-salle",
        "Grande salle",
        ResourceKind.SPACE,
        capacity=40,
        documentation="Capacité 40 personnes. Issues de secours côté jardin.",
    )
    machine = make_resource(
        venue,
        "laser",
        "Découpeuse laser",
        ResourceKind.MACHINE,
        requires_training=True,
        machine_type="laser CO2",
        documentation="Ne jamais laisser la découpe sans surveillance.",
    )
    kit = make_resource(
        venue,
        "sono",
        "Kit sono",
        ResourceKind.KIT,
        units=3,
        deposit_cents=20000,
        checklist="Enceinte amplifiée (x2)\nTable de mixage\nCâbles XLR (x4)",
    )
    organisation = Organisation(
        name="Les Jardins Partagés",
        street="5 allée des Tilleuls",
        postal_code="80000",
        city="Amiens",
        email="bureau@jardins.example",
        phone="03 22 11 22 33",
        siret="12345678900011",
    )
    db.session.add(organisation)
    borrower = make_user(
        "camille@jardins.example",
        "Camille Martin",
        organisation=organisation,
        phone="06 12 34 56 78",
        locale=borrower_locale,
    )
    add_membership(borrower, venue)
    manager = make_user("marc@briqueterie.example", "Marc Lefèvre")
    add_membership(manager, venue, VenueRole.MANAGER)
    other_member = make_user("autre@membre.example", "Alex Autre")
    add_membership(other_member, venue)
    other_manager = make_user("gestion@machinerie.example", "Gaëlle Gestion")
    add_membership(other_manager, lead, VenueRole.MANAGER)
    coordinator = make_user("coordination@fnt.example", "Claude Coordination", is_coordinator=True)
    db.session.flush()
    return AgreementsWorld(
        lead, venue, space, machine, kit, borrower, organisation, manager, other_member, other_manager, coordinator
    )


def make_booking(
    resource: Resource,
    requester: User,
    starts_at: datetime,
    hours: float = 4,
    *,
    series: Series | None = None,
    **fields,
) -> Booking:
    ends_at = starts_at + timedelta(hours=hours)
    values = {"quantity": 1, "purpose": "", "price_cents": 0, "deposit_cents": 0}
    values.update(fields)
    if values["price_cents"]:
        values.setdefault("payment_status", PaymentStatus.PENDING)
    booking = Booking(
        resource=resource,
        requester=requester,
        organisation=requester.organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=ends_at,
        exclusive=resource.is_exclusive,
        series=series,
        status=BookingStatus.REQUESTED,
        **values,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def approve(*bookings: Booking, actor: User | None = None) -> None:
    """What the engine does on approval, in the caller's transaction."""
    for booking in bookings:
        booking.status = BookingStatus.APPROVED
        booking.decided_by = actor
        db.session.flush()
        booking_approved.send(booking, actor=actor, reason="")


def edit(booking: Booking, actor: User | None = None, **changes) -> None:
    before = {field: getattr(booking, field) for field in changes}
    for field, value in changes.items():
        setattr(booking, field, value)
    if "ends_at" in changes:
        booking.holds_until = booking.ends_at
    booking.revision += 1
    db.session.flush()
    booking_edited.send(
        booking, actor=actor, reason="", changes={field: (before[field], value) for field, value in changes.items()}
    )


def cancel(booking: Booking, actor: User | None = None) -> None:
    booking.status = BookingStatus.CANCELLED
    db.session.flush()
    booking_cancelled.send(booking, actor=actor, reason="")
