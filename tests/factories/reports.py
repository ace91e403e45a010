"""The reports' small consortium of 2027, whose figures are computed by hand in ``tests/reports``.

Two venues open Monday to Friday 9:00-18:00 (La Machinerie: a room and a laser cutter; L'Île aux
Fruits: a greenhouse and a kit of 3 units), a member of each (Alice of La Machinerie, consortium;
Bruno of L'Île aux Fruits, partner), a manager of La Machinerie and a coordinator. The bookings
are written as rows (the figures read rows; the engine's rules are tested elsewhere):

| # | who | what | Paris time | real hours |
| --- | --- | --- | --- | --- |
| 1 | Alice | greenhouse (B) | Sat 27 March 2027 22:00 → Sun 28 March 04:00 (clocks go forward) | 5 (2 on the 27th, 3 on the 28th) |
| 2 | Bruno | room (A) | Wed 31 March 22:00 → Thu 1 April 02:00 (month end) | 4 (2 in March, 2 in April) |
| 3 | Bruno | laser (A) | Sun 31 October 01:00 → 04:00 (clocks go back) | 4 |
| 4 | Alice | kit × 2 (B) | Wed 10 March 10:00 → Fri 12 March 10:00, handed over for Poix-de-Picardie | 48 (4 kit-days) |
| 5 | Bruno | room (A) | Mon 15 March 9:00 → 12:00 | 3 |
| 6 | Alice | room (A) | Tue 16 March 9:00 → 12:00, cancelled | left out |
| 7 | Bruno | laser (A) | Thu 18 March 9:00 → 12:00, rejected | left out |

La Machinerie is closed on Wednesday 17 March 2027; Easter Monday is 29 March 2027. Consortium
tariffs: room 10 €/h, laser 20 €/h, greenhouse 8 €/h, kit 5 €/day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import (
    Audience,
    AuditEntry,
    Booking,
    BookingStatus,
    Closure,
    KitCheck,
    KitCheckKind,
    Qualification,
    Resource,
    ResourceKind,
    Tariff,
    TariffAudience,
    Theme,
    User,
    Venue,
    VenueRole,
)
from app.newcomers.models import MessageAuthor, RequestMessage, RequestStatus, SupportKind, TestSpaceRequest
from tests.factories import add_membership, make_organisation, make_resource, make_user, make_venue

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS, fold=fold).astimezone(UTC)


@dataclass
class ReportsWorld:
    machinerie: Venue
    ile: Venue
    room: Resource
    laser: Resource
    greenhouse: Resource
    kit: Resource
    alice: User
    bruno: User
    manager: User
    coordinator: User
    bookings: list[Booking]


def _tariff(resource: Resource, hour: int | None = None, day: int | None = None) -> None:
    db.session.add(Tariff(resource=resource, audience=TariffAudience.CONSORTIUM, hour_cents=hour, day_cents=day))


def _booking(resource, user, starts_at, ends_at, status=BookingStatus.APPROVED, quantity=1) -> Booking:
    booking = Booking(
        resource=resource,
        requester=user,
        organisation=user.organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_until=ends_at,
        exclusive=resource.kind != ResourceKind.KIT,
        quantity=quantity,
        status=status,
    )
    db.session.add(booking)
    return booking


def build_reports_world() -> ReportsWorld:
    fablab = Theme(slug="fablab", name_fr="Création et gestion de FabLab", name_en="FabLab", position=1)
    ecology = Theme(slug="ecologie", name_fr="Écologie et maraîchage bio", name_en="Ecology", position=2)
    db.session.add_all([fablab, ecology])
    machinerie = make_venue("la-machinerie", "La Machinerie")
    ile = make_venue("ile-aux-fruits", "L'Île aux Fruits")
    machinerie.themes.append(fablab)
    ile.themes.append(ecology)
    room = make_resource(machinerie, "salle", "Salle de réunion")
    laser = make_resource(machinerie, "laser", "Découpeuse laser", ResourceKind.MACHINE)
    greenhouse = make_resource(ile, "serre", "Serre pédagogique")
    kit = make_resource(ile, "kit-son", "Kit son", ResourceKind.KIT, units=3)
    _tariff(room, hour=1000)
    _tariff(laser, hour=2000)
    _tariff(greenhouse, hour=800)
    _tariff(kit, day=500)
    alice = make_user("alice@test.example", "Alice", organisation=make_organisation("Asso des Makers"))
    bruno = make_user(
        "bruno@test.example", "Bruno", organisation=make_organisation("Collectif Potager", Audience.PARTNER)
    )
    add_membership(alice, machinerie)
    add_membership(bruno, ile)
    add_membership(bruno, machinerie)  # joined later: Bruno stays attached to L'Île aux Fruits
    manager = make_user("gestion@test.example", "Julien")
    add_membership(manager, machinerie, VenueRole.MANAGER)
    coordinator = make_user("coordination@test.example", "Claire", is_coordinator=True)
    bookings = [
        _booking(greenhouse, alice, paris(2027, 3, 27, 22), paris(2027, 3, 28, 4)),
        _booking(room, bruno, paris(2027, 3, 31, 22), paris(2027, 4, 1, 2)),
        _booking(laser, bruno, paris(2027, 10, 31, 1), paris(2027, 10, 31, 4)),
        _booking(kit, alice, paris(2027, 3, 10, 10), paris(2027, 3, 12, 10), BookingStatus.RETURNED, quantity=2),
        _booking(room, bruno, paris(2027, 3, 15, 9), paris(2027, 3, 15, 12)),
        _booking(room, alice, paris(2027, 3, 16, 9), paris(2027, 3, 16, 12), BookingStatus.CANCELLED),
        _booking(laser, bruno, paris(2027, 3, 18, 9), paris(2027, 3, 18, 12), BookingStatus.REJECTED),
    ]
    db.session.flush()
    db.session.add(
        KitCheck(booking=bookings[3], kind=KitCheckKind.HANDOVER, at=paris(2027, 3, 10, 9), commune="Poix-de-Picardie")
    )
    db.session.add(
        Closure(venue=machinerie, starts_at=paris(2027, 3, 17), ends_at=paris(2027, 3, 18), reason="Inventaire")
    )
    db.session.add(
        Qualification(user=alice, resource=laser, granted_by_id=manager.id, granted_at=paris(2027, 3, 20, 10))
    )
    first = _newcomer(fablab, machinerie, paris(2027, 3, 2, 10), RequestStatus.ACCEPTED, test_space=room)
    db.session.add(
        RequestMessage(request=first, author=MessageAuthor.VENUE, body="Bienvenue", created_at=paris(2027, 3, 3, 10))
    )
    second = _newcomer(ecology, ile, paris(2027, 3, 5, 10), RequestStatus.REDIRECTED)
    db.session.flush()
    db.session.add(
        AuditEntry(
            subject_type="test_space_request",
            subject_id=second.id,
            action="redirected",
            at=paris(2027, 3, 5, 16),
            details={},
        )
    )
    db.session.commit()
    return ReportsWorld(machinerie, ile, room, laser, greenhouse, kit, alice, bruno, manager, coordinator, bookings)


def _newcomer(theme, venue, created_at, status, test_space=None) -> TestSpaceRequest:
    request = TestSpaceRequest(
        status=status,
        venue=venue,
        name="Nina",
        email="nina@test.example",
        project_title="Un projet",
        project_description="Décrit",
        support_kind=SupportKind.TEST_SPACE,
        period_start=created_at.date(),
        period_end=created_at.date(),
        consent_at=created_at,
        retention_days=365,
        created_at=created_at,
        test_space=test_space,
    )
    request.themes.append(theme)
    db.session.add(request)
    db.session.flush()
    return request
