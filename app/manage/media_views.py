"""The photos of resources (``/photos/ressources/…``): public while the resource is in service,
then only for those who manage it."""

from __future__ import annotations

from flask import abort, current_app, send_from_directory
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.manage import media_bp, permissions, photos
from app.models import ResourcePhoto


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
