"""Agreement files: rendered once, sealed, stored with their SHA-256, served from storage.

Files live under ``AGREEMENTS_DIR`` (default ``instance/agreements/``), one folder per year,
read-only once written. A version has up to two files: the document as issued
(``FNT-2026-0042-v1.pdf``) and, once countersigned, the final one (``FNT-2026-0042-v1-final.pdf``).

:func:`ensure_file` renders a missing file outside any lock, then takes the agreement's row lock
and stores it unless a concurrent request stored one first (then that one is kept and ours
dropped): a file, once recorded, is never replaced. Reading checks the SHA-256 every time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.agreements import rendering, sealing
from app.agreements.models import Agreement
from app.core.i18n import gettext as _
from app.core.i18n import speaking
from app.extensions import db
from app.models import utcnow

log = logging.getLogger(__name__)


class StoredFileCorrupted(RuntimeError):
    """A stored file no longer matches its recorded SHA-256."""


def storage_dir() -> Path:
    configured = current_app.config.get("AGREEMENTS_DIR") or os.environ.get("AGREEMENTS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "agreements"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_name(agreement: Agreement, final: bool) -> str:
    suffix = "-final" if final else ""
    return f"{agreement.year}/{agreement.number}-v{agreement.version}{suffix}.pdf"


def _seal_reason(agreement: Agreement, final: bool) -> str:
    """The reason a PDF reader shows for the seal, in the agreement's own language."""
    with speaking(agreement.locale):
        if final:
            return _(
                "Convention %(number)s version %(version)s : exemplaire final signé par les deux parties",
                number=agreement.number,
                version=agreement.version,
            )
        return _(
            "Convention %(number)s version %(version)s : exemplaire émis, à accepter",
            number=agreement.number,
            version=agreement.version,
        )


def _write_read_only(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".tmp-", suffix=".pdf", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(staging, 0o444)
        os.replace(staging, path)  # nothing recorded points at an older file of this name
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def produce(agreement: Agreement, final: bool) -> bytes:
    """Render and seal one file of the agreement (no database write)."""
    return sealing.seal(rendering.render_pdf(agreement, final), _seal_reason(agreement, final))


def _columns(final: bool) -> tuple[str, str]:
    return ("final_file_name", "final_sha256") if final else ("file_name", "sha256")


def is_stored(agreement: Agreement, final: bool = False) -> bool:
    return getattr(agreement, _columns(final)[1]) is not None


def ensure_file(agreement: Agreement, final: bool = False) -> bytes:
    """The bytes of the file, rendered and stored first if this is its first use.

    The caller commits (the file name and SHA-256 are recorded in its transaction).
    """
    if is_stored(agreement, final):
        return read_file(agreement, final)
    data = produce(agreement, final)
    locked = db.session.scalars(
        select(Agreement)
        .where(Agreement.id == agreement.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if is_stored(locked, final):  # stored meanwhile by a concurrent request: keep that one
        return read_file(locked, final)
    name = _file_name(locked, final)
    _write_read_only(storage_dir() / name, data)
    name_column, hash_column = _columns(final)
    setattr(locked, name_column, name)
    setattr(locked, hash_column, sha256_of(data))
    if final:
        locked.sealed_at = utcnow()
    else:
        locked.rendered_at = utcnow()
    db.session.flush()
    return data


def read_file(agreement: Agreement, final: bool = False) -> bytes:
    name_column, hash_column = _columns(final)
    data = (storage_dir() / getattr(agreement, name_column)).read_bytes()
    if sha256_of(data) != getattr(agreement, hash_column):
        log.error("agreement file %s does not match its SHA-256", getattr(agreement, name_column))
        raise StoredFileCorrupted(getattr(agreement, name_column))
    return data


def pending() -> list[tuple[Agreement, bool]]:
    """Files still to render: issued documents of every version, final ones of signed versions."""
    from app.agreements.models import AgreementStatus

    issued = db.session.scalars(select(Agreement).where(Agreement.sha256.is_(None)).order_by(Agreement.id))
    final = db.session.scalars(
        select(Agreement)
        .where(Agreement.status == AgreementStatus.SIGNED, Agreement.final_sha256.is_(None))
        .order_by(Agreement.id)
    )
    return [(agreement, False) for agreement in issued] + [(agreement, True) for agreement in final]
