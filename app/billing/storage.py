"""Invoice files: made once, stored with their SHA-256, served from storage, like the agreements'.

Files live under ``INVOICES_DIR`` (default ``instance/invoices/``), one folder per venue and year,
read-only once written. :func:`ensure_file` renders a missing file outside any lock, then takes the
document's row lock and records it unless a concurrent request recorded one first. A file that
could not be made is retried on the next download, or by ``flask billing render``.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.agreements.storage import StoredFileCorrupted, _write_read_only
from app.billing import rendering
from app.billing.models import Invoice
from app.core.clock import PARIS, paris_today  # noqa: F401  (the views read both from here)
from app.extensions import db
from app.models import utcnow

log = logging.getLogger(__name__)


def storage_dir() -> Path:
    configured = current_app.config.get("INVOICES_DIR") or os.environ.get("INVOICES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "invoices"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_name(invoice: Invoice) -> str:
    return f"{invoice.venue_id}/{invoice.year}/{invoice.number}.pdf"


def ensure_file(invoice: Invoice) -> bytes:
    """The bytes of the file, made and recorded first if this is its first use (the caller commits)."""
    if invoice.sha256 is not None:
        return read_file(invoice)
    data = rendering.render_pdf(invoice)
    locked = db.session.scalars(
        select(Invoice).where(Invoice.id == invoice.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if locked.sha256 is not None:
        return read_file(locked)
    name = _file_name(locked)
    _write_read_only(storage_dir() / name, data)
    locked.file_name, locked.sha256, locked.rendered_at = name, sha256_of(data), utcnow()
    db.session.flush()
    return data


def read_file(invoice: Invoice) -> bytes:
    data = (storage_dir() / invoice.file_name).read_bytes()
    if sha256_of(data) != invoice.sha256:
        log.error("invoice file %s does not match its SHA-256", invoice.file_name)
        raise StoredFileCorrupted(invoice.file_name)
    return data


def pending() -> list[Invoice]:
    return list(db.session.scalars(select(Invoice).where(Invoice.sha256.is_(None)).order_by(Invoice.id)))
