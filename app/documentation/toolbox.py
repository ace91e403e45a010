"""The mediation toolbox (la boîte à outils de la médiation): tools shared by one venue, tagged by
theme and audience, public or for members only, linked to the kits and spaces they need; any venue
can reuse a tool (a copy in its name, the original credited). No request here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.documentation import search
from app.documentation.access import is_member, sharing_venues
from app.documentation.models import Tool, ToolAudience, Visibility, tool_themes
from app.documentation.text import plain_text
from app.extensions import db
from app.models import Resource, ResourceKind, Theme, User, Venue

NEEDED_KINDS = (ResourceKind.KIT, ResourceKind.SPACE)


class ToolRefused(Refusal):
    code = "tool_refused"


@dataclass(frozen=True)
class ToolDraft:
    title: str
    summary: str
    body: str
    audience: ToolAudience
    visibility: Visibility
    themes: list[Theme]
    resources: list[Resource]


def _index(tool: Tool) -> None:
    search.index(
        "tool",
        tool.id,
        title=tool.title,
        body=f"{tool.summary} {plain_text(tool.body)}",
        members_only=tool.visibility == Visibility.MEMBERS,
    )


def share(venue: Venue, author: User, draft: ToolDraft) -> Tool:
    if venue not in sharing_venues(author, [venue]):
        raise ToolRefused(_l("Seuls les gestionnaires d'un lieu partagent des outils en son nom."), field="venue")
    errors = {}
    if not draft.title.strip():
        errors["title"] = _l("Donnez un titre à l'outil.")
    if any(resource.kind not in NEEDED_KINDS for resource in draft.resources):
        errors["resources"] = _l("Un outil demande des kits ou des espaces, pas des machines.")
    if errors:
        raise ToolRefused(errors)
    tool = Tool(
        venue=venue,
        title=draft.title.strip(),
        summary=draft.summary.strip(),
        body=draft.body,
        audience=draft.audience,
        visibility=draft.visibility,
        themes=list(draft.themes),
        resources=list(draft.resources),
        created_by_id=author.id,
    )
    db.session.add(tool)
    db.session.flush()
    _index(tool)
    return tool


def reuse(tool: Tool, venue: Venue, actor: User) -> Tool:
    """A copy of ``tool`` in ``venue``'s name, crediting the original (its venue and title)."""
    if venue not in sharing_venues(actor, [venue]):
        raise ToolRefused(_l("Seuls les gestionnaires d'un lieu réutilisent des outils en son nom."), field="venue")
    if venue.id == tool.venue_id:
        raise ToolRefused(_l("Cet outil est déjà celui de ce lieu."), field="venue")
    original = tool.reused_from if tool.reused_from is not None else tool
    credit = tool.credit or f"« {tool.title} », {tool.venue.name}"
    copy = Tool(
        venue=venue,
        title=tool.title,
        summary=tool.summary,
        body=tool.body,
        audience=tool.audience,
        visibility=tool.visibility,
        themes=list(tool.themes),
        resources=list(tool.resources),
        reused_from=original,
        credit=credit,
        created_by_id=actor.id,
    )
    db.session.add(copy)
    db.session.flush()
    _index(copy)
    return copy


@dataclass(frozen=True)
class ToolFilters:
    query: str = ""
    theme_id: int | None = None
    audience: ToolAudience | None = None
    venue_id: int | None = None


def tools(user, filters: ToolFilters) -> list[Tool]:
    """The tools ``user`` may see (members-only ones for members), filtered, newest first."""
    statement = (
        select(Tool)
        .options(selectinload(Tool.venue), selectinload(Tool.themes), selectinload(Tool.resources))
        .order_by(Tool.created_at.desc(), Tool.id.desc())
    )
    members = is_member(user)
    if not members:
        statement = statement.where(Tool.visibility == Visibility.PUBLIC)
    if filters.theme_id is not None:
        statement = statement.where(
            Tool.id.in_(select(tool_themes.c.tool_id).where(tool_themes.c.theme_id == filters.theme_id))
        )
    if filters.audience is not None:
        statement = statement.where(Tool.audience == filters.audience)
    if filters.venue_id is not None:
        statement = statement.where(Tool.venue_id == filters.venue_id)
    if filters.query.strip():
        ids = search.matching_ids(filters.query, "tool", members=members)
        statement = statement.where(Tool.id.in_(ids))
    return list(db.session.scalars(statement.limit(200)))
