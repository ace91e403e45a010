"""The administration's world (tests/manage, and the browser tests of the managers' pages).

Two venues, each with its manager; a coordinator; a member of the first venue; a room,
a laser cutter that needs a training, and a kit in the first venue; a workshop in the second.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.models import Resource, ResourceKind, User, Venue, VenueRole
from tests.factories import add_membership, make_resource, make_user, make_venue


@dataclass
class Consortium:
    venue: Venue
    other_venue: Venue
    room: Resource
    laser: Resource
    kit: Resource
    workshop: Resource
    manager: User
    other_manager: User
    coordinator: User
    member: User


def build_consortium() -> Consortium:
    venue = make_venue()
    other_venue = make_venue(slug="la-briqueterie", name="La Briqueterie")
    room = make_resource(venue)
    laser = make_resource(
        venue,
        slug="laser",
        name="Découpeuse laser",
        kind=ResourceKind.MACHINE,
        machine_type="découpeuse laser",
        requires_training=True,
    )
    kit = make_resource(
        venue, slug="kit-expo", name="Kit exposition", kind=ResourceKind.KIT, units=3, checklist="Grilles\nSpots"
    )
    workshop = make_resource(other_venue, slug="atelier", name="Atelier des arts")
    manager = make_user(email="gestion@machinerie.example", name="Gaëlle Gestion")
    add_membership(manager, venue, VenueRole.MANAGER)
    other_manager = make_user(email="gestion@briqueterie.example", name="Bruno Brique")
    add_membership(other_manager, other_venue, VenueRole.MANAGER)
    coordinator = make_user(email="coordination@fnt.example", name="Claire Coordination", is_coordinator=True)
    member = make_user(email="membre@example.org", name="Camille Martin")
    add_membership(member, venue)
    db.session.commit()
    return Consortium(venue, other_venue, room, laser, kit, workshop, manager, other_manager, coordinator, member)
