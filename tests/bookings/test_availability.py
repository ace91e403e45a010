"""What is free: resources of a kind across all venues, over a period."""

from __future__ import annotations

from app.bookings.service import approve, free_resources, request_booking
from app.extensions import db
from app.models import Closure, ClosureStatus, ResourceKind
from tests.factories import make_resource, make_venue
from tests.factories.bookings import NOW, paris

TUE_10, TUE_12 = paris(2027, 3, 2, 10), paris(2027, 3, 2, 12)


def _names(found):
    return [(f.resource.name, f.free_units) for f in found]


def test_spaces_free_across_the_consortium(world):
    hall = make_resource(world.other_venue, "grande-salle", "Grande salle", capacity=80)
    weekend_venue = make_venue("le-colonel", "La Maison du Colonel", days=[5, 6])
    make_resource(weekend_venue, "cafe", "Café associatif")
    retired = make_resource(world.venue, "ancienne-salle", "Ancienne salle")
    retired.is_active = False
    db.session.flush()
    assert _names(free_resources(ResourceKind.SPACE, TUE_10, TUE_12)) == [("Grande salle", 1), ("Salle de réunion", 1)]

    booking = request_booking(world.room, world.member, TUE_10, TUE_12, now=NOW)
    assert len(free_resources(ResourceKind.SPACE, TUE_10, TUE_12)) == 2  # a pending request holds nothing
    approve(booking, world.manager, now=NOW)
    assert _names(free_resources(ResourceKind.SPACE, TUE_10, TUE_12)) == [("Grande salle", 1)]
    db.session.add(
        Closure(
            venue=world.other_venue,
            starts_at=paris(2027, 3, 2),
            ends_at=paris(2027, 3, 3),
            reason="Travaux",
            status=ClosureStatus.CONFIRMED,
        )
    )
    db.session.flush()
    assert free_resources(ResourceKind.SPACE, TUE_10, TUE_12) == []
    # On Saturday only the café is open; ignoring the calendar, the other rooms are free too.
    saturday = (paris(2027, 3, 6, 10), paris(2027, 3, 6, 12))
    assert _names(free_resources(ResourceKind.SPACE, *saturday)) == [("Café associatif", 1)]
    assert len(free_resources(ResourceKind.SPACE, *saturday, respect_calendar=False)) == 3
    assert _names(free_resources(ResourceKind.SPACE, *saturday, venue_ids=[hall.venue_id], respect_calendar=False)) == [
        ("Grande salle", 1)
    ]


def test_machines_buffers_count(world):
    world.laser.requires_training = False
    booking = request_booking(world.laser, world.member, TUE_10, TUE_12, now=NOW)
    approve(booking, world.manager, now=NOW)
    just_after = (TUE_12, paris(2027, 3, 2, 13))
    assert free_resources(ResourceKind.MACHINE, *just_after) == []  # 30 minutes of cleaning first
    assert len(free_resources(ResourceKind.MACHINE, paris(2027, 3, 2, 12, 30), paris(2027, 3, 2, 13))) == 1


def test_kits_with_enough_units(world):
    make_resource(world.other_venue, "kit-son", "Kit son", kind=ResourceKind.KIT, units=1)
    loan = request_booking(world.kit, world.member, TUE_10, TUE_12, quantity=2, now=NOW)
    approve(loan, world.manager, now=NOW)
    assert _names(free_resources(ResourceKind.KIT, TUE_10, TUE_12)) == [("Kit son", 1), ("Kit vidéo", 1)]
    assert _names(free_resources(ResourceKind.KIT, TUE_10, TUE_12, quantity=2)) == []
    assert _names(free_resources(ResourceKind.KIT, paris(2027, 3, 3, 10), paris(2027, 3, 3, 12), quantity=2)) == [
        ("Kit vidéo", 3)
    ]
