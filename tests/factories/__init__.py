"""Build real rows for tests, and the worlds made of them: the one place for the tests' builders.

This module makes single rows (an organisation, a person, a venue with its opening hours, a
resource, a membership). Passwords are hashed for real (argon2), once per password. Each world,
a small consortium built for one kind of test, has a module of its own, as plain functions:

- ``tests.factories.bookings``: the booking engine's consortium (``build_world``), at a fixed moment;
- ``tests.factories.desk``: the desk's and the planning's, open around the clock (``build_desk_world``);
- ``tests.factories.agreements``: a lending venue and a borrower (``make_world``), approvals as the engine sends them;
- ``tests.factories.manage``: the administration's two venues (``build_consortium``);
- ``tests.factories.newcomers``: the six themes and venues with the default routing (``consortium``).

The fixtures of each feature's ``conftest.py`` call them; helpers shared by tests are in ``tests.helpers``.
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import (
    Audience,
    OpeningHours,
    Organisation,
    Resource,
    ResourceKind,
    User,
    Venue,
    VenueMembership,
    VenueRole,
)

PASSWORD = "correct horse battery"


@lru_cache(maxsize=8)
def _hash(password: str) -> str:
    return hash_password(password)


def make_organisation(name: str = "Les Jardins Partagés", audience: Audience = Audience.CONSORTIUM) -> Organisation:
    organisation = Organisation(name=name, audience=audience)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(
    email: str = "membre@test.example",
    name: str = "Camille Martin",
    password: str = PASSWORD,
    organisation: Organisation | None = None,
    **fields,
) -> User:
    user = User(
        email=email.lower(),
        name=name,
        password_hash=_hash(password),
        organisation=organisation or make_organisation(f"Structure de {name}"),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_venue(
    slug: str = "la-machinerie", name: str = "La Machinerie", *, hours=((9, 0), (18, 0)), days=range(0, 5), **fields
) -> Venue:
    venue = Venue(slug=slug, name=name, street="1 rue de Test", postal_code="80000", city="Amiens", **fields)
    db.session.add(venue)
    db.session.flush()
    for weekday in days:
        db.session.add(OpeningHours(venue=venue, weekday=weekday, opens=time(*hours[0]), closes=time(*hours[1])))
    db.session.flush()
    return venue


def make_resource(
    venue: Venue, slug: str = "salle", name: str = "Salle de réunion", kind: ResourceKind = ResourceKind.SPACE, **fields
) -> Resource:
    defaults = {"capacity": 12} if kind == ResourceKind.SPACE else {}
    defaults.update(fields)
    resource = Resource(venue=venue, slug=slug, name=name, kind=kind, **defaults)
    db.session.add(resource)
    db.session.flush()
    return resource


def add_membership(user: User, venue: Venue, role: VenueRole = VenueRole.MEMBER) -> VenueMembership:
    membership = VenueMembership(user=user, venue=venue, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership
