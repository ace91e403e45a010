"""The gallery's emails: a project waiting for the managers of its venues, and the answer to its
author. Each is queued with :func:`app.notifications.notify` inside the transaction of the change
(the caller's commit sends it, a rollback drops it). Templates live in ``documentation/email/``."""

from __future__ import annotations

from app.documentation.models import Project
from app.models import User
from app.notifications import notify
from app.notifications.compose import venue_staff
from app.notifications.links import absolute_url

EMAILS = "documentation/email/"


def project_submitted(project: Project) -> None:
    """To those who answer for the project's venues, once each (the daily digest if they chose it)."""
    link = absolute_url("documentation.project", project_id=project.id)
    written: set[str] = set()
    for venue in project.venues:
        for person in venue_staff(venue, besides=project.author):
            if person.email.lower() in written:
                continue
            written.add(person.email.lower())
            notify(person, EMAILS + "project_submitted", digest=True, project=project, link=link)


def project_moderated(project: Project, moderator: User) -> None:
    if project.author is None or project.author_id == moderator.id:
        return
    link = absolute_url("documentation.project", project_id=project.id)
    notify(project.author, EMAILS + "project_moderated", project=project, moderator=moderator, link=link)
