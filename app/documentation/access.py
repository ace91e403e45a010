"""Who may write, see and moderate what, in one place. No request here: ``user`` is a ``User`` or
Flask-Login's anonymous user.

| what | who |
| --- | --- |
| write a resource's guides, attach files to them | the managers of the resource's venue, a coordinator |
| share a tool in a venue's name, reuse one into it | the managers of that venue, a coordinator |
| see a members-only tool and its files | any logged-in member |
| document a project | any logged-in member |
| moderate a project | a manager of one of the project's venues, a coordinator |
| see a project before publication | its author and those who may moderate it |
"""

from __future__ import annotations

from typing import Any

from app.documentation.models import Project, ProjectStatus, Tool, Visibility
from app.models import Resource, Venue


def is_member(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_write_guides(user: Any, resource: Resource) -> bool:
    return is_member(user) and (user.is_coordinator or user.manages(resource.venue_id))


def sharing_venues(user: Any, venues: list[Venue]) -> list[Venue]:
    """The venues among ``venues`` in whose name ``user`` may share a tool."""
    if not is_member(user):
        return []
    return [venue for venue in venues if user.is_coordinator or user.manages(venue.id)]


def can_see_tool(user: Any, tool: Tool) -> bool:
    return tool.visibility == Visibility.PUBLIC or is_member(user)


def can_moderate(user: Any, project: Project) -> bool:
    return is_member(user) and (user.is_coordinator or any(user.manages(venue.id) for venue in project.venues))


def can_see_project(user: Any, project: Project) -> bool:
    if project.status == ProjectStatus.PUBLISHED:
        return True
    return is_member(user) and (project.author_id == user.id or can_moderate(user, project))
