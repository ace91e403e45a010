"""The photos of resources (``/photos/ressources/…``): public while the resource is in service,
then only for those who manage it."""

from __future__ import annotations

import re

from flask import abort, current_app, send_from_directory
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.manage import media_bp, permissions, photos
from app.models import ResourcePhoto

_SIZED = re.compile(r"^(?P<stem>.+)-w(?P<width>\d{3,4})\.(?P<extension>\w+)$")


def _find(filename: str) -> ResourcePhoto | None:
    return db.session.scalar(
        select(ResourcePhoto).where(ResourcePhoto.filename == filename).options(selectinload(ResourcePhoto.resource))
    )


@media_bp.get("/photos/ressources/<filename>")
def resource_photo(filename: str):
    """A resource's photo, or one of its smaller copies (``…-w320.jpg``); photos of a retired
    resource only for those who manage it."""
    photo = _find(filename)
    served = filename
    if photo is None and (sized := _SIZED.match(filename)) and int(sized["width"]) in ResourcePhoto.SIZES:
        photo = _find(f"{sized['stem']}.{sized['extension']}")
        if photo is not None and not (photos.upload_folder(current_app) / filename).is_file():
            served = photo.filename  # a photo stored before copies were made: the photo itself
    if photo is None:
        abort(404)
    resource = photo.resource
    if not resource.is_active and not (
        current_user.is_authenticated and permissions.can_manage_venue(current_user, resource.venue)
    ):
        abort(404)
    response = send_from_directory(
        photos.upload_folder(current_app), served, mimetype=photo.content_type, max_age=7 * 24 * 3600
    )
    response.headers["Content-Disposition"] = "inline"
    return response
