"""Uploads are checked by their content, limited in size, stored under instance/ and served so that
nothing in them runs."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from app.documentation import files, guides
from app.documentation.models import DocumentFile, Language
from app.extensions import db
from tests.helpers import log_in, page_text

# The start of a real Linux executable (ELF header) and of a Windows one (MZ, then the PE header).
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
WINDOWS = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
    + b"\x00" * 100
)


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Manuel de la découpeuse laser"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _guide(world):
    guide = guides.create(world.laser, world.manager, title="Prise en main", body="Texte.", language=Language.FR)
    db.session.commit()
    return guide


def _upload(client, guide, content: bytes, name: str):
    return client.submit(
        f"/documentation/guides/{guide.id}/fichiers",
        {"file": (io.BytesIO(content), name), "description": "Manuel"},
        page=f"/documentation/guides/{guide.id}",
        content_type="multipart/form-data",
    )


def _stored_files(app) -> list:
    path = files.folder(app)
    return sorted(p.name for p in path.glob("*")) if path.exists() else []


def test_a_renamed_executable_and_an_oversized_file_are_refused(app, client, world):
    guide = _guide(world)
    log_in(client, world.manager)
    before = _stored_files(app)
    for content, name in ((ELF, "manuel.pdf"), (WINDOWS, "photo.jpg")):
        refused = _upload(client, guide, content, name)
        assert refused.status_code == 422
        assert "Ce type de fichier n'est pas accepté" in page_text(refused)

    app.config["DOCUMENTATION_MAX_BYTES"] = 1024
    oversized = _upload(client, guide, _pdf() + b"\n%" + b"0" * 2048, "gros.pdf")
    assert oversized.status_code == 422
    assert "Le fichier dépasse" in page_text(oversized)
    assert db.session.scalar(db.select(db.func.count(DocumentFile.id))) == 0
    assert _stored_files(app) == before


def test_a_pdf_is_stored_under_instance_and_served_as_a_download_that_cannot_run(app, client, world):
    guide = _guide(world)
    log_in(client, world.manager)
    # Named like a page, typed by the browser as HTML: the content decides.
    done = client.submit(
        f"/documentation/guides/{guide.id}/fichiers",
        {"file": (io.BytesIO(_pdf()), "../../manuel laser.html", "text/html"), "description": "Manuel"},
        page=f"/documentation/guides/{guide.id}",
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    row = db.session.scalar(db.select(DocumentFile))
    assert (row.content_type, row.original_name) == ("application/pdf", "manuel laser.pdf")
    assert str(files.folder(app)).startswith(app.instance_path)
    client.logout()
    served = client.get(f"/documentation/fichiers/{row.token}")
    assert served.status_code == 200
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="manuel laser.pdf"' in served.headers["Content-Disposition"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert PdfReader(io.BytesIO(served.data)).metadata.title == "Manuel de la découpeuse laser"
    served.close()
    assert "manuel laser.pdf" in page_text(client.get(f"/documentation/guides/{guide.id}"))
