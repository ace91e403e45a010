"""Routing: which venue handles a newcomer's request, following the consortium's roles.

The routing table is a list of rows (theme, optional kind of support, venue) in an order
the coordination edits. A request goes to the venue of the first row that matches it;
every venue matched by some row sees it too. With no match, it goes to the lead venue
(La Machinerie leads the consortium), and the coordination can orient it elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.i18n import gettext as _
from app.core.refusals import Refusal
from app.extensions import db
from app.models import Theme, Venue
from app.newcomers.models import NewcomerRoute, SupportKind

# The consortium's roles (shared/DESIGN.md), by theme slug and venue slug, first match first:
# artistic collectives to La Briqueterie (the LAM later), FabLab, makers and digital creation to
# La Machinerie, networking to La Maison du Colonel, cross-cutting social projects to ALCO,
# market gardening and the educational farm to L'Île aux Fruits.
DEFAULT_ROUTES: tuple[tuple[str, SupportKind | None, str], ...] = (
    ("participation-citoyenne", SupportKind.NETWORKING, "maison-du-colonel"),
    ("ecologie-maraichage-bio", None, "ile-aux-fruits"),
    ("experimentation-artistique", None, "la-briqueterie"),
    ("creation-espace-public", None, "la-briqueterie"),
    ("fablab", None, "la-machinerie"),
    ("mediation-scientifique", None, "la-machinerie"),
    ("participation-citoyenne", None, "alco"),
    ("experimentation-artistique", None, "lam"),
    ("creation-espace-public", None, "lam"),
)


class RoutingError(Refusal):
    """A change of the routing table that cannot be made."""

    code = "routing_refused"


@dataclass(frozen=True)
class Routing:
    venue: Venue | None
    visible_to: list[Venue]


def routes() -> list[NewcomerRoute]:
    return list(db.session.scalars(select(NewcomerRoute).order_by(NewcomerRoute.position, NewcomerRoute.id)))


def route_request(themes: Sequence[Theme], support_kind: SupportKind) -> Routing:
    """The venue that handles a request on these themes, and every venue that sees it."""
    theme_ids = {theme.id for theme in themes}
    matches = [
        route
        for route in routes()
        if route.theme_id in theme_ids
        and (route.support_kind is None or route.support_kind == support_kind)
        and route.venue.is_active
    ]
    if matches:
        venue = matches[0].venue
    else:
        venue = db.session.scalar(
            select(Venue).where(Venue.is_active.is_(True)).order_by(Venue.is_lead.desc(), Venue.id).limit(1)
        )
    visible: list[Venue] = []
    for candidate in [venue, *(route.venue for route in matches)]:
        if candidate is not None and candidate not in visible:
            visible.append(candidate)
    return Routing(venue=venue, visible_to=visible)


def _next_position() -> int:
    return (db.session.scalar(select(func.max(NewcomerRoute.position))) or 0) + 1


def add_route(theme: Theme, venue: Venue, support_kind: SupportKind | None = None) -> NewcomerRoute:
    """Add a row at the end of the table."""
    duplicate = db.session.scalar(
        select(NewcomerRoute).where(
            NewcomerRoute.theme_id == theme.id,
            NewcomerRoute.venue_id == venue.id,
            NewcomerRoute.support_kind.is_(None)
            if support_kind is None
            else NewcomerRoute.support_kind == support_kind,
        )
    )
    if duplicate is not None:
        raise RoutingError(_("Cette règle d'orientation existe déjà."))
    route = NewcomerRoute(theme=theme, venue=venue, support_kind=support_kind, position=_next_position())
    db.session.add(route)
    db.session.flush()
    return route


def remove_route(route: NewcomerRoute) -> None:
    db.session.delete(route)
    db.session.flush()


def move_route(route: NewcomerRoute, offset: int) -> None:
    """Move a row up (offset -1) or down (+1) in the table; positions stay 1, 2, 3…"""
    ordered = routes()
    index = ordered.index(route)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, row in enumerate(ordered, start=1):
        row.position = position
    db.session.flush()


def install_default_routing(
    table: Iterable[tuple[str, SupportKind | None, str]] = DEFAULT_ROUTES,
) -> tuple[list[NewcomerRoute], list[str]]:
    """Fill an empty routing table with the consortium's roles.

    Returns the rows created and the slugs (themes or venues) that were not found, so that a
    caller such as the demo loader can say what it skipped. Does nothing if the table has rows.
    """
    if db.session.scalar(select(func.count()).select_from(NewcomerRoute)):
        return [], []
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    venues = {venue.slug: venue for venue in db.session.scalars(select(Venue))}
    created: list[NewcomerRoute] = []
    missing: list[str] = []
    for position, (theme_slug, support_kind, venue_slug) in enumerate(table, start=1):
        theme, venue = themes.get(theme_slug), venues.get(venue_slug)
        for slug, found in ((theme_slug, theme), (venue_slug, venue)):
            if found is None and slug not in missing:
                missing.append(slug)
        if theme is None or venue is None:
            continue
        route = NewcomerRoute(theme=theme, venue=venue, support_kind=support_kind, position=position)
        db.session.add(route)
        created.append(route)
    db.session.flush()
    return created, missing
