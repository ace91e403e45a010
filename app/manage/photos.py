"""Photos of resources: checked by their content with Pillow, re-encoded, stored under instance/uploads/.

No request here. Re-encoding keeps only the pixels: no metadata (GPS position of a phone
photo), no trailing payload, and the image turned upright from its EXIF orientation.
"""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from flask import Flask
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.extensions import db
from app.manage import audit
from app.models import Resource, ResourcePhoto, User

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse larger images before decoding them (decompression bombs)
MAX_SIDE = 2400  # larger photos are scaled down to this many pixels on their longer side
MAX_PHOTOS = 12
# Smaller copies written beside each photo, for ``srcset`` (``ResourcePhoto.sources``): a card
# on a phone loads a 320 px copy, not the 2400 px original.
SIZES = ResourcePhoto.SIZES


@dataclass(frozen=True)
class ImageFormat:
    name: str  # Pillow's name of the format
    content_type: str
    extension: str
    save_options: dict


FORMATS = {
    "JPEG": ImageFormat("JPEG", "image/jpeg", "jpg", {"quality": 85, "optimize": True}),
    "PNG": ImageFormat("PNG", "image/png", "png", {"optimize": True}),
    "WEBP": ImageFormat("WEBP", "image/webp", "webp", {"quality": 85}),
}


class InvalidPhoto(Refusal):
    code = "invalid_photo"
    field = "photo"


def upload_folder(app: Flask, kind: str = "resources") -> Path:
    """Where image files live: ``UPLOAD_FOLDER`` if set, else ``instance/uploads``; then ``resources/``
    (the resources' photos) or ``events/`` (the events' images)."""
    base = app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads"
    return Path(base) / kind


def max_bytes(app: Flask) -> int:
    return int(app.config.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def _too_large(limit: int) -> InvalidPhoto:
    return InvalidPhoto(_l("La photo dépasse %(size)s Mo.", size=f"{limit / 1024 / 1024:.0f}"))


def _decode(content: bytes) -> tuple[Image.Image, ImageFormat]:
    unreadable = InvalidPhoto(_l("Ce fichier n'est pas une image JPEG, PNG ou WebP lisible."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as probe:
                kind = FORMATS.get(probe.format or "")
                if kind is None:
                    raise unreadable
                if probe.width * probe.height > MAX_PIXELS:
                    raise InvalidPhoto(_l("L'image est trop grande (plus de 40 millions de pixels)."))
                probe.verify()
            image = Image.open(BytesIO(content))
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as error:
        if isinstance(error, InvalidPhoto):
            raise
        raise unreadable from error
    return image, kind


def _encode(image: Image.Image, kind: ImageFormat) -> bytes:
    image = ImageOps.exif_transpose(image)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind.name == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = BytesIO()
    image.save(out, format=kind.name, **kind.save_options)
    return out.getvalue()


def _smaller_copies(encoded: bytes, kind: ImageFormat) -> dict[int, bytes]:
    """{width: the photo scaled down to that width} for each of ``SIZES`` narrower than the photo."""
    copies = {}
    with Image.open(BytesIO(encoded)) as image:
        image.load()
        for width in SIZES:
            if width >= image.width:
                break
            height = max(1, round(image.height * width / image.width))
            out = BytesIO()
            image.resize((width, height), Image.Resampling.LANCZOS).save(out, format=kind.name, **kind.save_options)
            copies[width] = out.getvalue()
    return copies


@dataclass(frozen=True)
class PreparedImage:
    """An uploaded image, checked and re-encoded, not yet written (``write_files``)."""

    encoded: bytes
    kind: ImageFormat
    width: int
    height: int

    def new_filename(self) -> str:
        """A random name with the format's extension (never the uploader's file name)."""
        return f"{secrets.token_urlsafe(18)}.{self.kind.extension}"


def prepare_image(stream: BinaryIO | None, limit: int) -> PreparedImage | None:
    """Read, check (by content: JPEG, PNG or WebP; at most ``limit`` bytes) and re-encode an upload.

    None when nothing was sent. Raises ``InvalidPhoto``. The photos of resources and the images of
    events (``app.events.images``) both go through here.
    """
    if stream is None:
        return None
    content = stream.read(limit + 1)
    if not content:
        return None
    if len(content) > limit:
        raise _too_large(limit)
    image, kind = _decode(content)
    with image:
        encoded = _encode(image, kind)
    with Image.open(BytesIO(encoded)) as stored:
        width, height = stored.size
    return PreparedImage(encoded, kind, width, height)


def write_files(folder: Path, filename: str, prepared: PreparedImage) -> None:
    """Write the image and its smaller copies (``SIZES``) under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_bytes(prepared.encoded)
    for width, copy in _smaller_copies(prepared.encoded, prepared.kind).items():
        (folder / ResourcePhoto.sized_name(filename, width)).write_bytes(copy)


def add_photo(
    resource: Resource, stream: BinaryIO | None, alt_text: str, actor: User, folder: Path, limit: int
) -> ResourcePhoto:
    """Check, re-encode and store a photo; add its row. Raises ``InvalidPhoto``.

    The file is written after the row is flushed, before the caller commits: on a failed commit,
    call ``discard_file``.
    """
    prepared = prepare_image(stream, limit)
    if prepared is None:
        raise InvalidPhoto(_l("Choisissez une photo à envoyer."))
    count = db.session.scalar(select(func.count(ResourcePhoto.id)).where(ResourcePhoto.resource_id == resource.id))
    if count >= MAX_PHOTOS:
        raise InvalidPhoto(_l("Une ressource a au plus %(max)d photos : supprimez-en une d'abord.", max=MAX_PHOTOS))
    filename = prepared.new_filename()
    last = db.session.scalar(select(func.max(ResourcePhoto.position)).where(ResourcePhoto.resource_id == resource.id))
    photo = ResourcePhoto(
        filename=filename,
        content_type=prepared.kind.content_type,
        alt_text=" ".join(alt_text.split()),
        width=prepared.width,
        height=prepared.height,
        size_bytes=len(prepared.encoded),
        position=(last or 0) + 1,
        uploaded_by_id=actor.id,
    )
    resource.photos.append(photo)
    db.session.flush()
    audit.record(actor, "resource", resource.id, "photo_added", photo_id=photo.id, filename=filename)
    db.session.flush()
    # Written last, once its row and audit entry are safely flushed: a refusal or a database
    # error before this point leaves no file behind.
    write_files(folder, filename, prepared)
    return photo


def remove_photo(photo: ResourcePhoto, actor: User) -> str:
    """Delete the photo's row; returns the file name to discard once the change is committed."""
    audit.record(actor, "resource", photo.resource_id, "photo_removed", photo_id=photo.id, filename=photo.filename)
    filename = photo.filename
    db.session.delete(photo)
    return filename


def discard_file(folder: Path, filename: str) -> None:
    """Remove a photo's file and its smaller copies."""
    name = Path(filename).name
    (folder / name).unlink(missing_ok=True)
    for width in SIZES:
        (folder / ResourcePhoto.sized_name(name, width)).unlink(missing_ok=True)
