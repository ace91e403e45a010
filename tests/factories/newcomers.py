"""The newcomers' world: the six themes and the six venues of the consortium, a manager for each
venue and the default routing table; what the public form sends, and the requests read back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.core.clock import paris_today, utcnow
from app.extensions import db
from app.models import Theme, VenueRole
from app.newcomers.models import TestSpaceRequest
from app.newcomers.routing import install_default_routing
from app.newcomers.spam import make_form_stamp
from tests.factories import add_membership, make_user, make_venue

THEMES = [
    ("ecologie-maraichage-bio", "Écologie et maraîchage biologique", "Ecology and organic market gardening"),
    ("experimentation-artistique", "Expérimentation artistique", "Artistic experimentation"),
    ("fablab", "Création et gestion de FabLab", "FabLab creation and management"),
    ("mediation-scientifique", "Médiation scientifique et technique", "Scientific and technical mediation"),
    ("participation-citoyenne", "Participation citoyenne", "Citizen participation"),
    ("creation-espace-public", "Création en espace public", "Creation in public space"),
]
VENUES = [
    ("la-machinerie", "La Machinerie", True),
    ("ile-aux-fruits", "L'Île aux Fruits", False),
    ("maison-du-colonel", "La Maison du Colonel", False),
    ("alco", "ALCO", False),
    ("la-briqueterie", "La Briqueterie", False),
    ("lam", "LAM", False),
]


def consortium():
    """The six themes and six venues, a manager for each venue, and the default routing."""
    themes = {}
    for position, (slug, name_fr, name_en) in enumerate(THEMES):
        themes[slug] = Theme(slug=slug, name_fr=name_fr, name_en=name_en, position=position)
        db.session.add(themes[slug])
    venues, managers = {}, {}
    for slug, name, lead in VENUES:
        venues[slug] = make_venue(slug=slug, name=name, is_lead=lead)
        managers[slug] = make_user(email=f"gestion@{slug}.example", name=f"Gestion {name}")
        add_membership(managers[slug], venues[slug], VenueRole.MANAGER)
    created, missing = install_default_routing()
    assert missing == [] and len(created) == 9
    db.session.commit()
    return themes, venues, managers


def request_data(theme_rows, *theme_slugs, **overrides) -> dict:
    start = paris_today() + timedelta(days=14)
    data = {
        "name": "Inès Durand",
        "email": "ines@example.org",
        "phone": "06 12 34 56 78",
        "organisation": "Collectif Hortillon",
        "project_title": "Atelier de réparation de vélos",
        "project_description": "Un atelier ouvert où chacun apprend à réparer son vélo avec des bénévoles.",
        "themes": [theme_rows[slug].id for slug in (theme_slugs or ("fablab",))],
        "support_kind": "test_space",
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=60)).isoformat(),
        "space_kind": "workshop",
        "equipment": "Un établi, des outils, un pied d'atelier.",
        "consent": "y",
        "website": "",
        # The form as if shown a minute ago (the minimum fill time is a real check).
        "started": make_form_stamp(utcnow().timestamp() - 60),
    }
    data.update(overrides)
    return data


def submit(client, theme_rows, *theme_slugs, **overrides):
    return client.submit("/projets/proposer", request_data(theme_rows, *theme_slugs, **overrides))


def only_request() -> TestSpaceRequest:
    db.session.expire_all()
    return db.session.scalars(select(TestSpaceRequest)).one()


def count_requests() -> int:
    return db.session.scalar(select(func.count()).select_from(TestSpaceRequest))
