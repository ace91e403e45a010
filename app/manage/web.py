"""The administration blueprint, its guard, and the lookups every administration view shares
(the answers themselves come from ``app.core.responses``).

Refusals: anonymous → log in (``HX-Redirect`` for htmx); a user who manages no venue
and is not a coordinator → 403; another venue's things → 404; coordination pages for
a manager → 403.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from app.core.access import staff_only
from app.manage import permissions
from app.models import Venue

bp = Blueprint("manage", __name__, url_prefix="/gestion", template_folder="templates")


bp.before_request(staff_only)


def venue_or_404(slug: str) -> Venue:
    venue = permissions.find_managed_venue(current_user, slug)
    if venue is None:
        abort(404)
    return venue


def found_or_404(thing):
    if thing is None:
        abort(404)
    return thing
