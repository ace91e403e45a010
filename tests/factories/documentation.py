"""The documentation's world: two venues with a manager each, a member, a machine, a kit and a space;
guides, tools and projects are made by the tests through the rules."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Resource, ResourceKind, Theme, User, Venue, VenueRole
from tests.factories import add_membership, make_resource, make_user, make_venue


@dataclass
class DocumentationWorld:
    machinerie: Venue
    alco: Venue
    manager: User  # manages La Machinerie
    alco_manager: User
    member: User
    laser: Resource
    kit: Resource
    room: Resource
    theme: Theme


def build_documentation_world() -> DocumentationWorld:
    machinerie = make_venue("la-machinerie", "La Machinerie")
    alco = make_venue("alco", "ALCO")
    theme = Theme(slug="mediation", name_fr="Médiation scientifique et technique", name_en="Science outreach")
    machinerie.themes.append(theme)
    manager = make_user("gestion@machinerie.example", "Julien Moreau")
    add_membership(manager, machinerie, VenueRole.MANAGER)
    alco_manager = make_user("gestion@alco.example", "Nadia Hamdi")
    add_membership(alco_manager, alco, VenueRole.MANAGER)
    member = make_user("membre@test.example", "Camille Lefebvre")
    add_membership(member, machinerie)
    laser = make_resource(machinerie, "laser", "Découpeuse laser", ResourceKind.MACHINE)
    kit = make_resource(machinerie, "kit-robots", "Kit robots", ResourceKind.KIT, units=4)
    room = make_resource(alco, "salle", "Salle polyvalente")
    return DocumentationWorld(machinerie, alco, manager, alco_manager, member, laser, kit, room, theme)
