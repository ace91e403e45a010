"""The managers' and coordinators' administration pages (``/gestion``), and the photos of resources.

- ``__init__``: the blueprints and the guard (every page is staff's: ``app.core.access``);
- views by area: ``venue_views`` (one venue: resources, photos, closures, qualifications,
  members), ``coordination_views`` (venues, managers, themes, organisations, consortium closures,
  users), ``media_views`` (the photos' files);
- ``display``: how the pages show periods and labels; ``web``: the lookups views share;
- rules, with no request: ``permissions``, ``resources``, ``closures``, ``qualifications``,
  ``memberships``, ``coordination``, ``photos``, ``parsing``, ``audit``; ``forms``: the WTForms.

Register with :func:`register` (the app factory does).
"""

from __future__ import annotations

from flask import Blueprint, Flask

from app.core.access import staff_only

bp = Blueprint("manage", __name__, url_prefix="/gestion", template_folder="templates")
bp.before_request(staff_only)
media_bp = Blueprint("media", __name__)


def register(app: Flask) -> None:
    """The administration's routes (importing the view modules adds them) on ``app``."""
    from app.manage import coordination_views, display, disruption_views, media_views, venue_views  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(media_bp)
