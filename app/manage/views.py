"""The administration blueprints: ``manage`` (``/gestion``, managers and coordinators) and ``media``
(the photos of resources, public while the resource is in service).

Register both: ``app.register_blueprint(manage_bp)`` and ``app.register_blueprint(media_bp)``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, send_from_directory
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.access import is_coordinator
from app.core.clock import to_paris
from app.extensions import db
from app.manage import coordination_views, permissions, photos, venue_views  # noqa: F401 - registers the routes
from app.manage.web import bp
from app.models import ResourcePhoto
from app.models.labels import AUDIENCE_LABELS, RESOURCE_KIND_LABELS, TARIFF_LABELS, WEEKDAY_LABELS

media_bp = Blueprint("media", __name__)

__all__ = ["bp", "media_bp"]


def last_day(moment: datetime) -> str:
    """An end stored as the next midnight, shown as the last day included ("until the 26th")."""
    local = to_paris(moment)
    if local.time() == time(0, 0):
        return format_date((local - timedelta(days=1)).date(), "medium")
    return format_datetime(moment, "short")


def period_label(starts_at: datetime, ends_at: datetime) -> str:
    """A closure period in Paris time; whole days read as days."""
    start, end = to_paris(starts_at), to_paris(ends_at)
    if start.time() == time(0, 0) and end.time() == time(0, 0):
        last = (end - timedelta(days=1)).date()
        if last == start.date():
            return _("le %(day)s", day=format_date(start.date(), "medium"))
        return _(
            "du %(start)s au %(end)s inclus", start=format_date(start.date(), "medium"), end=format_date(last, "medium")
        )
    return _(
        "du %(start)s au %(end)s", start=format_datetime(starts_at, "short"), end=format_datetime(ends_at, "short")
    )


@bp.context_processor
def _labels():
    return {
        "kind_labels": RESOURCE_KIND_LABELS,
        "audience_labels": AUDIENCE_LABELS,
        "tariff_audience_labels": TARIFF_LABELS,
        "weekday_labels": WEEKDAY_LABELS,
        "last_day": last_day,
        "period_label": period_label,
        "is_coordinator": is_coordinator(current_user),
    }


@media_bp.get("/photos/ressources/<filename>")
def resource_photo(filename: str):
    """A resource's photo; photos of a retired resource only for those who manage it."""
    photo = db.session.scalar(
        select(ResourcePhoto).where(ResourcePhoto.filename == filename).options(selectinload(ResourcePhoto.resource))
    )
    if photo is None:
        abort(404)
    resource = photo.resource
    if not resource.is_active and not (
        current_user.is_authenticated and permissions.can_manage_venue(current_user, resource.venue)
    ):
        abort(404)
    response = send_from_directory(
        photos.upload_folder(current_app), photo.filename, mimetype=photo.content_type, max_age=7 * 24 * 3600
    )
    response.headers["Content-Disposition"] = "inline"
    return response
