"""Files attached to guides, tools and projects: checked by their content (``filetype`` reads their
first bytes; the name and the browser's type are not trusted), limited in size, stored under
``instance/uploads/documentation/`` by a random token, never in ``static/``. No request here.

Allowed: PDF, JPEG, PNG, WebP, GIF, and office documents (OpenDocument, Word, Excel, PowerPoint,
old and new, and RTF). Everything else, an executable renamed ``manuel.pdf`` first, is refused.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import Flask

from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Refusal
from app.documentation.models import DocumentFile
from app.extensions import db
from app.models import User

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Allowed:
    content_type: str
    extension: str


ALLOWED = {
    allowed.content_type: allowed
    for allowed in (
        Allowed("application/pdf", "pdf"),
        Allowed("image/jpeg", "jpg"),
        Allowed("image/png", "png"),
        Allowed("image/webp", "webp"),
        Allowed("image/gif", "gif"),
        Allowed("application/vnd.oasis.opendocument.text", "odt"),
        Allowed("application/vnd.oasis.opendocument.spreadsheet", "ods"),
        Allowed("application/vnd.oasis.opendocument.presentation", "odp"),
        Allowed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        Allowed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        Allowed("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
        Allowed("application/msword", "doc"),
        Allowed("application/vnd.ms-excel", "xls"),
        Allowed("application/vnd.ms-powerpoint", "ppt"),
        Allowed("application/rtf", "rtf"),
    )
}
IMAGE_TYPES = frozenset(t for t in ALLOWED if t.startswith("image/"))


class InvalidFile(Refusal):
    code = "invalid_file"
    field = "file"


def folder(app: Flask) -> Path:
    """``UPLOAD_FOLDER`` if set, else ``instance/uploads``; then ``documentation/``."""
    base = app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads"
    return Path(base) / "documentation"


def max_bytes(app: Flask) -> int:
    return int(app.config.get("DOCUMENTATION_MAX_BYTES", DEFAULT_MAX_BYTES))


def _clean_name(name: str, extension: str) -> str:
    """The name shown and offered on download: its folders, control characters and quotes removed,
    and the extension that matches the content."""
    name = Path(name.replace("\\", "/")).name
    name = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable() and c not in '"<>')
    stem = Path(name).stem.strip(" .")[:120] or "fichier"
    return f"{stem}.{extension}"


def check(content: bytes, limit: int, images_only: bool = False) -> Allowed:
    """The allowed type of ``content``; raises ``InvalidFile`` for an empty, oversized or other file."""
    if not content:
        raise InvalidFile(_l("Choisissez un fichier à envoyer."))
    if len(content) > limit:
        raise InvalidFile(_l("Le fichier dépasse %(size)s Mo.", size=f"{limit / 1024 / 1024:.0f}"))
    kind = filetype.guess(content)
    allowed = ALLOWED.get(kind.mime) if kind is not None else None
    if allowed is None or (images_only and allowed.content_type not in IMAGE_TYPES):
        if images_only:
            raise InvalidFile(_l("Ce fichier n'est pas une image JPEG, PNG, WebP ou GIF."))
        raise InvalidFile(
            _l("Ce type de fichier n'est pas accepté : envoyez un PDF, une image ou un document bureautique.")
        )
    return allowed


def store(
    stream: BinaryIO | None,
    name: str,
    owner: dict[str, int],
    actor: User,
    target: Path,
    limit: int,
    description: str = "",
    images_only: bool = False,
) -> DocumentFile:
    """Check and store a file for its owner (``{"guide_id": 3}``, ``{"tool_id": …}`` or
    ``{"project_id": …}``); adds its row. Raises ``InvalidFile``.

    The file is written once its row is flushed, before the caller commits: on a failed commit,
    call ``discard``."""
    content = stream.read(limit + 1) if stream is not None else b""
    allowed = check(content, limit, images_only)
    token = secrets.token_urlsafe(24)
    row = DocumentFile(
        token=token,
        original_name=_clean_name(name or "", allowed.extension),
        content_type=allowed.content_type,
        extension=allowed.extension,
        size_bytes=len(content),
        description=" ".join(description.split())[:255],
        uploaded_by_id=actor.id,
        **owner,
    )
    db.session.add(row)
    db.session.flush()
    target.mkdir(parents=True, exist_ok=True)
    (target / stored_name(row)).write_bytes(content)
    return row


def stored_name(row: DocumentFile) -> str:
    return f"{row.token}.{row.extension}"


def discard(target: Path, names: list[str]) -> None:
    for name in names:
        (target / Path(name).name).unlink(missing_ok=True)
