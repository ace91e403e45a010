"""The public verification page: genuine current, voided version, altered and unknown files, by
upload, by number and fingerprint, and by the short URL printed on the document (and in its QR code)."""

from __future__ import annotations

import hashlib
import io

import pytest
import segno
from sqlalchemy import select

from app.agreements import rendering, storage
from app.agreements.models import Agreement
from app.extensions import db
from tests.factories.agreements import approve, edit, make_booking, make_world, paris
from tests.helpers import page_text

GENUINE = "Convention authentique, en vigueur"
VOIDED = "Convention authentique, mais cette version est annulée"
UNKNOWN = "Document inconnu"


@pytest.fixture()
def two_versions(app):
    """Version 1 (its file stored), then a change of the booking: version 2 in force, version 1 void."""
    world = make_world()
    booking = make_booking(
        world.space, world.borrower, paris(2027, 3, 1, 14), 2, purpose="Réunion secrète", price_cents=4200
    )
    approve(booking, actor=world.manager)
    db.session.commit()
    first = db.session.scalars(select(Agreement)).one()
    old_file = storage.ensure_file(first)
    db.session.commit()
    edit(booking, world.manager, ends_at=paris(2027, 3, 2, 12))
    db.session.commit()
    current = db.session.scalars(select(Agreement).where(Agreement.version == 2)).one()
    current_file = storage.ensure_file(current)
    db.session.commit()
    return old_file, current_file, current


def _upload(client, data: bytes):
    return client.submit(
        "/conventions/verifier", {"document": (io.BytesIO(data), "convention.pdf")}, content_type="multipart/form-data"
    )


def test_uploaded_files_are_genuine_current_voided_altered_or_unknown(client, two_versions):
    old_file, current_file, current = two_versions

    genuine = page_text(_upload(client, current_file))
    assert GENUINE in genuine
    for shown in (
        current.number,
        "version 2",
        "La Briqueterie",
        "du 1er mars 2027 au 2 mars 2027",
        "À accepter par l'emprunteur",
    ):
        assert shown in genuine
    for hidden in ("Camille", "Jardins", "Réunion secrète", "42,00"):  # nothing a third party should read
        assert hidden not in genuine

    voided = page_text(_upload(client, old_file))
    assert VOIDED in voided and "Elle est remplacée par la version 2." in voided

    altered = bytearray(current_file)
    altered[len(altered) // 2] ^= 0x01
    assert UNKNOWN in page_text(_upload(client, bytes(altered)))
    assert UNKNOWN in page_text(_upload(client, b"%PDF-1.7 anything else"))


def test_verification_by_number_and_fingerprint(client, two_versions):
    old_file, current_file, current = two_versions
    digest = hashlib.sha256(current_file).hexdigest()

    response = client.get(
        "/conventions/verifier", query_string={"numero": current.number.lower(), "empreinte": digest.upper()}
    )
    assert response.status_code == 200 and GENUINE in page_text(response)

    old_digest = hashlib.sha256(old_file).hexdigest()
    assert VOIDED in page_text(
        client.get("/conventions/verifier", query_string={"numero": current.number, "empreinte": old_digest})
    )
    # the right fingerprint under another number is not a genuine agreement
    other_number = current.number[:-1] + "9"
    assert UNKNOWN in page_text(
        client.get("/conventions/verifier", query_string={"numero": other_number, "empreinte": digest})
    )

    bad = client.get("/conventions/verifier", query_string={"numero": "42", "empreinte": "abc"})
    assert bad.status_code == 422
    text = page_text(bad)
    assert "Ce numéro n'a pas la forme FNT-2026-0042." in text
    assert "Une empreinte SHA-256 compte 64 caractères" in text
    assert 'value="abc"' in text  # the form comes back filled


def test_short_url_of_the_qr_code_names_the_version_and_its_status(client, two_versions):
    _old, _current_file, current = two_versions
    url = rendering.verification_url(current)
    assert url == f"http://127.0.0.1:5000/v/{current.verification_code}"
    # the QR code printed on the document carries exactly that URL
    assert segno.make(url, error="m", micro=False).svg_inline(
        scale=2.4,
        border=0,
        dark="#000",
        omitsize=False,
        title="Code QR menant à la page de vérification de ce document",
    ) in rendering.render_html(current)

    page = client.get(f"/v/{current.verification_code}")
    assert page.status_code == 200
    text = page_text(page)
    assert GENUINE in text and current.number in text and "La Briqueterie" in text
    previous = current.previous
    assert VOIDED in page_text(client.get(f"/v/{previous.verification_code}"))
    missing = client.get("/v/not-a-code")
    assert missing.status_code == 404 and UNKNOWN in page_text(missing)


def test_upload_without_a_file_says_so(client, app):
    response = client.submit("/conventions/verifier", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choisissez le fichier PDF à vérifier." in page_text(response)
