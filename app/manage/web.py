"""The lookups every administration view shares (the answers come from ``app.core.responses``).

Refusals: anonymous → log in (``HX-Redirect`` for htmx); a user who manages no venue
and is not a coordinator → 403; another venue's things → 404; coordination pages for
a manager → 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.manage import permissions
from app.models import Venue


def venue_or_404(slug: str) -> Venue:
    venue = permissions.find_managed_venue(current_user, slug)
    if venue is None:
        abort(404)
    return venue


def found_or_404(thing):
    if thing is None:
        abort(404)
    return thing
