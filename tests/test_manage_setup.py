"""Shared setup of the administration tests (``tests/test_manage_*.py``); no test here.

Two venues, each with its manager; a coordinator; a member of the first venue; a room,
a laser cutter that needs a training, and a kit in the first venue; a workshop in the second.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from io import BytesIO

from app.extensions import db
from app.models import AuditEntry, Resource, ResourceKind, User, Venue, VenueRole
from tests.factories import PASSWORD, add_membership, make_resource, make_user, make_venue
from tests.helpers import csrf_token_from


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


def log_in(client, user: User) -> None:
    response = client.login(user.email, PASSWORD)
    assert response.status_code == 303, "log-in failed"


def htmx_get(client, url: str, target: str):
    return client.get(
        url, headers={"HX-Request": "true", "HX-Target": target, "HX-Current-URL": f"http://localhost{url}"}
    )


def htmx_post(client, url: str, data: dict | None = None, *, target: str, page: str):
    """What htmx sends for an inline action: the CSRF header from the page, HX-Target of the row."""
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(
        url,
        data=data or {},
        headers={
            "HX-Request": "true",
            "HX-Target": target,
            "HX-Current-URL": f"http://localhost{page}",
            "X-CSRFToken": token,
        },
    )


def text(response) -> str:
    """The page as a person reads it: entities such as &#39; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))


def audit_actions(subject_type: str, subject_id: int) -> list[str]:
    db.session.expire_all()
    return [
        entry.action
        for entry in db.session.scalars(
            db.select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    ]


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save) -> bytes:
    """A real image file made by Pillow."""
    from PIL import Image

    out = BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 128).save(out, format=fmt, **save)
    return out.getvalue()
