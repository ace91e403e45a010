"""The events' images: an upload checked by its content with Pillow (JPEG, PNG or WebP, at most
``PHOTO_MAX_BYTES``), re-encoded without metadata, stored under ``uploads/events/`` with its
320, 640 and 1280 px copies for ``srcset``. The resources' photo pipeline
(``app.manage.photos``) does all of it; this module only says where the files go and when an
old file may go.

No request here. The files of a new image are written once the event's row is flushed, before
the commit; a failed commit calls ``discard``. An image replaced or removed is discarded after
the commit, unless another event still shows it (the occurrences of a series share one file).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from flask import Flask
from sqlalchemy import func, select

from app.events.models import Event
from app.extensions import db
from app.manage import photos
from app.manage.photos import InvalidPhoto, PreparedImage

__all__ = ["InvalidImage", "PreparedImage", "discard_unused", "folder", "prepare", "store"]


class InvalidImage(InvalidPhoto):
    code = "invalid_image"
    field = "image"


def folder(app: Flask) -> Path:
    return photos.upload_folder(app, "events")


def prepare(stream: BinaryIO | None, app: Flask) -> PreparedImage | None:
    """The upload checked and re-encoded (None when no file was sent). Raises ``InvalidImage``."""
    try:
        return photos.prepare_image(stream, photos.max_bytes(app))
    except InvalidPhoto as refusal:
        raise InvalidImage([reason.message for reason in refusal.reasons]) from refusal


def store(app: Flask, filename: str, prepared: PreparedImage) -> None:
    photos.write_files(folder(app), filename, prepared)


def discard_unused(app: Flask, filename: str) -> None:
    """Remove the image's files once no event shows it any more (call after the commit)."""
    if not filename:
        return
    if db.session.scalar(select(func.count(Event.id)).where(Event.image_path == filename)):
        return
    photos.discard_file(folder(app), filename)
