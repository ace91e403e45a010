"""The gallery of projects: members document what they made with the shared resources (text,
photos, machines and kits, venues, a Creative Commons licence); a manager of one of the project's
venues publishes it or sends it back (both sides are emailed: ``notices``). Only a published
project is in the gallery and the search. No request here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.clock import utcnow
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.documentation import notices, search
from app.documentation.access import can_moderate, is_member
from app.documentation.models import Licence, Project, ProjectStatus, project_resources, project_venues
from app.documentation.text import plain_text
from app.extensions import db
from app.models import Resource, User, Venue


class ProjectRefused(Refusal):
    code = "project_refused"


@dataclass(frozen=True)
class ProjectDraft:
    title: str
    summary: str
    body: str
    licence: Licence
    resources: list[Resource]
    venues: list[Venue]


def submit(author: User, draft: ProjectDraft) -> Project:
    """A new project, waiting for a manager of one of its venues (the venues of its resources count)."""
    if not is_member(author):
        raise ProjectRefused(_l("Connectez-vous pour documenter un projet."))
    venues = {venue.id: venue for venue in draft.venues}
    for resource in draft.resources:
        venues.setdefault(resource.venue_id, resource.venue)
    errors = {}
    if not draft.title.strip():
        errors["title"] = _l("Donnez un titre au projet.")
    if not draft.body.strip():
        errors["body"] = _l("Racontez le projet.")
    if not venues:
        errors["venues"] = _l("Choisissez au moins un lieu ou une ressource : ses gestionnaires publieront le projet.")
    if errors:
        raise ProjectRefused(errors)
    project = Project(
        title=draft.title.strip(),
        summary=draft.summary.strip(),
        body=draft.body,
        licence=draft.licence,
        author=author,
        resources=list(draft.resources),
        venues=sorted(venues.values(), key=lambda venue: venue.name),
    )
    db.session.add(project)
    db.session.flush()
    notices.project_submitted(project)
    return project


def moderate(project: Project, moderator: User, publish: bool, note: str = "") -> None:
    """Publish the project, or send it back with a note (it leaves the gallery and the search)."""
    if not can_moderate(moderator, project):
        raise ProjectRefused(_l("Seuls les gestionnaires des lieux du projet le modèrent."))
    if not publish and not note.strip():
        raise ProjectRefused(_l("Dites à l'auteur·e ce qui manque pour publier le projet."), field="note")
    project.status = ProjectStatus.PUBLISHED if publish else ProjectStatus.REJECTED
    project.moderated_by = moderator
    project.moderated_at = utcnow()
    project.moderation_note = note.strip()
    if publish:
        search.index(
            "project",
            project.id,
            title=project.title,
            body=f"{project.summary} {plain_text(project.body)}",
            members_only=False,
        )
    else:
        search.unindex("project", project.id)
    db.session.flush()
    notices.project_moderated(project, moderator)


def published(limit: int = 100) -> list[Project]:
    """The published projects, newest first, with their files and venues (the gallery)."""
    statement = (
        select(Project)
        .where(Project.status == ProjectStatus.PUBLISHED)
        .options(selectinload(Project.files), selectinload(Project.venues))
        .order_by(Project.moderated_at.desc(), Project.id.desc())
    )
    return list(db.session.scalars(statement.limit(limit)))


def published_titles(resource_id: int, limit: int) -> list:
    """The published projects made with a resource, newest first: their ids and titles (a
    resource's page), in one statement."""
    return list(
        db.session.execute(
            select(Project.id, Project.title)
            .where(
                Project.status == ProjectStatus.PUBLISHED,
                Project.id.in_(
                    select(project_resources.c.project_id).where(project_resources.c.resource_id == resource_id)
                ),
            )
            .order_by(Project.moderated_at.desc(), Project.id.desc())
            .limit(limit)
        )
    )


def awaiting(moderator: User) -> list[Project]:
    """The projects waiting for ``moderator``: those of the venues they manage (all, for a coordinator)."""
    statement = (
        select(Project)
        .where(Project.status == ProjectStatus.SUBMITTED)
        .options(selectinload(Project.venues), selectinload(Project.author))
        .order_by(Project.created_at, Project.id)
    )
    if not moderator.is_coordinator:
        managed = [venue.id for venue in moderator.managed_venues]
        statement = statement.where(
            Project.id.in_(select(project_venues.c.project_id).where(project_venues.c.venue_id.in_(managed)))
        )
    return list(db.session.scalars(statement))
