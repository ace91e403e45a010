"""Guides of resources: written in Markdown by the resource's managers, in French (or English),
versioned (an edit adds a version; the last one is shown), indexed for the search. No request here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.documentation import search
from app.documentation.access import can_write_guides
from app.documentation.models import Guide, GuideVersion, Language
from app.documentation.text import plain_text
from app.extensions import db
from app.models import Resource, User

# What a new guide starts with: the sections the consortium agreed every guide has.
TEMPLATE_FR = """## Prise en main

## Consignes de sécurité

## Ce qu'il faut apporter

## Contenu du kit

## En cas de problème
"""


class GuideRefused(Refusal):
    code = "guide_refused"


def _check(user: User, resource: Resource, title: str, body: str) -> None:
    if not can_write_guides(user, resource):
        raise GuideRefused(_l("Seuls les gestionnaires du lieu de cette ressource écrivent ses guides."))
    errors = {}
    if not title.strip():
        errors["title"] = _l("Donnez un titre au guide.")
    if not body.strip():
        errors["body"] = _l("Écrivez le texte du guide.")
    if errors:
        raise GuideRefused(errors)


def _index(guide: Guide) -> None:
    version = guide.current
    search.index("guide", guide.id, title=version.title, body=plain_text(version.body), members_only=False)


def create(resource: Resource, author: User, *, title: str, body: str, language: Language, note: str = "") -> Guide:
    _check(author, resource, title, body)
    guide = Guide(resource=resource, language=language)
    guide.versions.append(GuideVersion(number=1, title=title.strip(), body=body, note=note.strip(), author=author))
    db.session.add(guide)
    db.session.flush()
    _index(guide)
    return guide


def revise(guide: Guide, author: User, *, title: str, body: str, language: Language, note: str = "") -> GuideVersion:
    """A new version of the guide (the earlier ones stay, readable)."""
    _check(author, guide.resource, title, body)
    guide.language = language
    version = GuideVersion(
        number=guide.current.number + 1, title=title.strip(), body=body, note=note.strip(), author=author
    )
    guide.versions.append(version)
    db.session.flush()
    _index(guide)
    return version


@dataclass(frozen=True)
class GuideTitle:
    """A guide as a resource's page lists it."""

    id: int
    language: Language
    title: str  # its current version's


def guide_titles(resource_id: int, language: str | None = None) -> list[GuideTitle]:
    """A resource's guides as its page lists them (their current titles, not their texts), in one
    statement; those in ``language`` first."""
    latest = (
        select(func.max(GuideVersion.number))
        .where(GuideVersion.guide_id == Guide.id)
        .correlate(Guide)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Guide.id, Guide.language, GuideVersion.title)
        .join(GuideVersion, (GuideVersion.guide_id == Guide.id) & (GuideVersion.number == latest))
        .where(Guide.resource_id == resource_id)
        .order_by(Guide.id)
    )
    titles = [GuideTitle(row.id, row.language, row.title) for row in rows]
    return sorted(titles, key=lambda guide: guide.language != language)


def guides_of(resource_id: int, language: str | None = None) -> list[Guide]:
    """A resource's guides with their versions, in one statement; those in ``language`` first."""
    guides = list(
        db.session.scalars(
            select(Guide).where(Guide.resource_id == resource_id).options(joinedload(Guide.versions)).order_by(Guide.id)
        ).unique()
    )
    return sorted(guides, key=lambda guide: guide.language != language)
