"""The stored agreement files are what they claim, read back with pikepdf and with pypdf: PDF/A-3a
(identification, PDF 1.7, sRGB output intent, embedded fonts), PDF/UA-1 (tagged in reading order,
language, title, the seal's field tagged too), information dictionary and XMP metadata that agree,
and a seal that verifies; with a timestamp server (``AGREEMENT_TSA_URL``, one on loopback here),
a timestamp token and validation data in a DSS (PAdES B-LT), and no file at all when the server
does not answer.

veraPDF is not available here (no Java, nor its distribution from the registries this project
uses): these readings are the evidence of conformance."""

from __future__ import annotations

import io
import logging
import re
import socket
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pikepdf
import pytest
from asn1crypto import cms
from pypdf import PdfReader
from sqlalchemy import select

from app.agreements import rendering, sealing, signing, storage
from app.agreements.models import Agreement
from app.core.clock import utcnow
from app.extensions import db
from tests.factories.agreements import approve, make_booking, make_world, paris


def _agreement(locale: str = "fr") -> tuple:
    """An approved booking of the room and of two kits (a table, a list) and its agreement."""
    world = make_world(locale)
    room = make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2, purpose="Assemblée", price_cents=4000)
    kit = make_booking(world.kit, world.borrower, paris(2027, 3, 1, 13), 4, quantity=2, deposit_cents=20000)
    approve(room, kit, actor=world.manager)
    db.session.commit()
    return world, db.session.scalars(select(Agreement)).one()


def _final(world, agreement: Agreement, clock) -> bytes:
    """The final copy, after the borrower's acceptance and the venue's countersignature."""
    storage.ensure_file(agreement)
    db.session.commit()
    for role, user in (("accept", world.borrower), ("countersign", world.manager)):
        clock.shift(timedelta(minutes=5))
        getattr(signing, role)(
            agreement, user, full_name=user.name, acknowledged=True, read_sha256=agreement.sha256, ip="127.0.0.1"
        )
        db.session.commit()
    clock.shift(timedelta(minutes=1))
    data = storage.ensure_file(agreement, final=True)
    db.session.commit()
    return data


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _structure(element, found: list) -> list:
    """The structure elements under ``element``, depth first (reading order)."""
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            found.append(kid)
            _structure(kid, found)
    return found


def check_pdf_a_3a_and_pdf_ua_1(data: bytes, lang: str, title: str) -> None:
    """Everything the two standards ask that can be read from the file, with pikepdf and pypdf."""
    assert data.startswith(b"%PDF-1.7\n")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # PDF 1.7 for PDF/A-3: no newer /Version in the catalog, no ISO 32002 (ECDSA, PDF 2.0)
        assert pdf.pdf_version == "1.7"
        root = pdf.Root
        assert "/Version" not in root or str(root.Version) <= "/1.7"
        extensions = root.get("/Extensions", pikepdf.Dictionary())
        assert "/ISO_" not in extensions
        assert all(str(extension.BaseVersion) == "/1.7" for extension in extensions.values())

        # identification, in XMP metadata that PDF/A can read (the extension schema of pdfuaid)
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "3A"
        assert meta["{http://www.aiim.org/pdfa/ns/id/}part"] == "3"
        assert meta["{http://www.aiim.org/pdfa/ns/id/}conformance"] == "A"
        assert meta["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
        schemas = root.Metadata.read_bytes().decode().split("pdfaExtension:schemas", 1)[1]
        assert re.search(r'pdfaSchema:prefix(="|>)pdfuaid', schemas)
        assert "http://www.aiim.org/pdfua/ns/id/" in schemas

        # the information dictionary says what the XMP says
        info = pdf.docinfo
        assert str(info.Producer) == meta["pdf:Producer"]
        assert str(info.Title) == meta["dc:title"] == title
        assert [str(info.Author)] == meta["dc:creator"]
        assert str(info.Creator) == meta["xmp:CreatorTool"] == "FNT Partage"

        # the output intent: sRGB, as an ICC profile of three components
        (intent,) = root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert profile.N == 3
        icc = profile.read_bytes()
        assert icc[16:20] == b"RGB " and icc[36:40] == b"acsp"

        # every font is embedded (Type 3 fonts are drawn by the file itself)
        fonts = 0
        for page in pdf.pages:
            for font in page.Resources.get("/Font", pikepdf.Dictionary()).values():
                fonts += 1
                if font.Subtype == "/Type3":
                    continue
                descriptor = (font.DescendantFonts[0] if font.Subtype == "/Type0" else font).FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font
        assert fonts

        # tagged, in its language, with its title shown
        assert root.MarkInfo.Marked is True
        assert root.MarkInfo.get("/Suspects", False) is False
        assert str(root.Lang) == lang
        assert root.ViewerPreferences.DisplayDocTitle is True
        tree = root.StructTreeRoot
        (document,) = _kids(tree)
        assert document.S == "/Document"
        elements = _structure(document, [])
        kinds = [str(element.S) for element in elements]
        headings = [kind for kind in kinds if re.fullmatch(r"/H\d", kind)]
        assert headings[0] == "/H1" and "/H2" in headings and "/H3" in headings
        assert all(int(b[2]) <= int(a[2]) + 1 for a, b in zip(headings, headings[1:], strict=False))  # no level skipped
        assert {"/P", "/Table", "/TR", "/TH", "/TD", "/L", "/LI"} <= set(kinds)
        figures = [element for element in elements if element.S == "/Figure"]
        assert figures and all(str(figure.get("/Alt", "")) for figure in figures)
        # every annotation (the seal's field) is in the tree, under a Form element, with a name
        parent_tree = tree.ParentTree.Nums
        parents = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}
        for page in pdf.pages:
            assert page.obj.get("/Tabs") == "/S" or "/Annots" not in page.obj
            for annotation in page.obj.get("/Annots", []):
                form = parents[int(annotation.StructParent)]
                assert form.S == "/Form" and str(form.Alt) and str(annotation.TU)
                assert form.K.Obj.objgen == annotation.objgen
                assert annotation.F & 4 and not annotation.F & (1 | 2 | 32)  # printed, never hidden

    # pypdf reads the same: the dates of the information dictionary are those of the XMP
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata
    assert reader.metadata.title == title == xmp.dc_title["x-default"]
    assert reader.metadata.producer == xmp.pdf_producer
    assert reader.metadata.author == xmp.dc_creator[0]
    assert reader.metadata.creator == xmp.xmp_creator_tool
    assert reader.metadata.creation_date.timestamp() == xmp.xmp_create_date.timestamp()  # same instant
    assert reader.metadata.modification_date.timestamp() == xmp.xmp_modify_date.timestamp()
    assert reader.pdf_header == "%PDF-1.7"
    assert sealing.metadata_disagreements(data) == []


def test_stored_agreement_is_pdf_a_3a_and_pdf_ua_1_and_its_seal_verifies(app, caplog):
    _world, agreement = _agreement("fr")

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        stored = storage.ensure_file(agreement)
    db.session.commit()

    assert not caplog.records  # WeasyPrint says nothing: no image without alternative text, no missing lang

    check_pdf_a_3a_and_pdf_ua_1(stored, "fr", f"Convention de mise à disposition {agreement.number}")
    check = sealing.check_seal(stored)
    assert check.ok and check.timestamped_at is None  # no timestamp server set
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/DSS" not in pdf.Root
    # the producer is the last program that wrote the file, in both places; the dates the agreement's
    reader = PdfReader(io.BytesIO(stored))
    assert reader.metadata.producer.startswith("pyHanko ")
    assert reader.metadata.creation_date.timestamp() == int(agreement.issued_at.timestamp())
    assert reader.metadata.modification_date.timestamp() == int(utcnow().timestamp())  # sealed now


def test_final_english_copy_is_pdf_a_and_pdf_ua_in_english(app, clock):
    world, agreement = _agreement("en")

    final = _final(world, agreement, clock)

    check_pdf_a_3a_and_pdf_ua_1(final, "en", f"Resource agreement {agreement.number}")
    assert sealing.check_seal(final).ok
    with pikepdf.open(io.BytesIO(final)) as pdf:
        field = pdf.pages[0].obj.Annots[0]
        assert str(field.TU) == sealing.SEAL_LABELS["en"]
        # The reason a PDF reader shows beside the seal is in the agreement's language too.
        assert (
            str(field.V.Reason)
            == f"Agreement {agreement.number} version {agreement.version}: final copy signed by both parties"
        )


def test_the_qr_code_is_a_figure_named_in_the_language_of_the_document(app):
    _world, agreement = _agreement("fr")

    html = rendering.render_html(agreement)

    assert '<html lang="fr">' in html
    assert f"<title>Convention de mise à disposition {agreement.number}</title>" in html
    assert "<title>Code QR menant à la page de vérification de ce document</title>" in html


# --- The timestamp server, on loopback ------------------------------------------------------------


def _certificate(subject: str, key, issuer_key=None, issuer=None, *, authority: bool, now: datetime):
    """A test certificate valid ten years either side of the pinned instant (whatever ``--at``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if authority:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:
        usage.update(digital_signature=True, content_commitment=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    return builder.sign(issuer_key or key, hashes.SHA256())


class TimestampAuthority:
    """An RFC 3161 server in a thread: pyHanko's test timestamper, behind http.server."""

    def __init__(self, root_pem: bytes, stamper):
        self.root_pem = root_pem
        self.stamper = stamper
        self.requests = 0
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                from asn1crypto import tsp

                body = self.rfile.read(int(self.headers["Content-Length"]))
                authority.requests += 1
                reply = authority.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def tsa_material():
    """A root authority and its timestamping certificate (RSA, as pyHanko's test timestamper wants)."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = utcnow()
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate("FNT test TSA root", root_key, authority=True, now=now)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _certificate("FNT test TSA", tsa_key, root_key, root, authority=False, now=now)
    der = serialization.Encoding.DER
    return {
        "root_pem": root.public_bytes(serialization.Encoding.PEM),
        "root": x509.Certificate.load(root.public_bytes(der)),
        "tsa": x509.Certificate.load(tsa.public_bytes(der)),
        "tsa_key": keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    }


@pytest.fixture()
def tsa(app, tsa_material, tmp_path, monkeypatch):
    """The timestamp server running, and the application set to use it (for this test only)."""
    from pyhanko.sign.timestamps import DummyTimeStamper

    stamper = DummyTimeStamper(
        tsa_cert=tsa_material["tsa"], tsa_key=tsa_material["tsa_key"], certs_to_embed=[tsa_material["root"]]
    )
    authority = TimestampAuthority(tsa_material["root_pem"], stamper)
    roots = tmp_path / "tsa-root.pem"
    roots.write_bytes(tsa_material["root_pem"])
    monkeypatch.setitem(app.config, "AGREEMENT_TSA_URL", authority.url)
    monkeypatch.setitem(app.config, "AGREEMENT_TSA_ROOTS", str(roots))
    yield authority
    authority.close()


def test_with_a_timestamp_server_the_seal_has_a_timestamp_and_validation_data(app, tsa):
    _world, agreement = _agreement("fr")

    stored = storage.ensure_file(agreement)
    db.session.commit()

    assert 1 <= tsa.requests <= 2  # the signature's timestamp (and pyHanko's first, to size it): no B-LTA
    check = sealing.check_seal(stored)
    assert check.ok
    assert check.timestamped_at is not None and check.timestamped_at.timestamp() == int(utcnow().timestamp())
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        dss = pdf.Root.DSS  # the certificates of the seal and of the timestamp, to check them later
        assert len(dss.Certs) >= 2
        (annotation,) = pdf.pages[0].obj.Annots
        contents = bytes(annotation.V.Contents)
    # the signature's DER says its own length: the padding after it is ignored (stripping zeros would
    # cut a signature whose last byte is zero, one in 256)
    signer_info = cms.ContentInfo.load(contents)["content"]["signer_infos"][0]
    tokens = [
        attribute
        for attribute in signer_info["unsigned_attrs"]
        if attribute["type"].native == "signature_time_stamp_token"
    ]
    assert len(tokens) == 1
    # the file is still PDF/A-3a and PDF/UA-1 after the DSS revision, its metadata in agreement
    check_pdf_a_3a_and_pdf_ua_1(stored, "fr", f"Convention de mise à disposition {agreement.number}")


def test_a_timestamp_server_that_does_not_answer_leaves_no_file_and_says_why(app, tsa_material, monkeypatch, caplog):
    _world, agreement = _agreement("fr")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/tsa"
    monkeypatch.setitem(app.config, "AGREEMENT_TSA_URL", url)
    files_before = set(storage.storage_dir().rglob("*"))

    with (
        caplog.at_level(logging.ERROR, logger="app.agreements.sealing"),
        pytest.raises(sealing.TimestampUnavailable) as raised,
    ):
        storage.ensure_file(agreement)
    db.session.rollback()

    assert url in str(raised.value) and "not sealed" in str(raised.value)
    assert any(url in record.getMessage() for record in caplog.records)
    assert db.session.get(Agreement, agreement.id).sha256 is None  # nothing stored, retried at next use
    assert set(storage.storage_dir().rglob("*")) == files_before


def test_a_timestamp_from_an_authority_that_is_not_trusted_leaves_no_file(app, tsa, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "AGREEMENT_TSA_ROOTS", "")  # only the system's trust store
    _world, agreement = _agreement("fr")

    with (
        caplog.at_level(logging.ERROR, logger="app.agreements.sealing"),
        pytest.raises(sealing.TimestampUnavailable, match="AGREEMENT_TSA_ROOTS"),
    ):
        storage.ensure_file(agreement)
    db.session.rollback()

    assert db.session.get(Agreement, agreement.id).sha256 is None
    assert any(tsa.url in record.getMessage() for record in caplog.records)


def test_an_ecdsa_development_seal_is_set_aside_and_an_rsa_one_made(app, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509 import load_pem_x509_certificate

    folder = tmp_path / "agreement-seal"
    folder.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    old = _certificate("old development seal", key, authority=True, now=utcnow())
    (folder / "cert.pem").write_bytes(old.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setattr(app, "instance_path", str(tmp_path))

    files = sealing.seal_files()

    assert isinstance(load_pem_x509_certificate(files.cert.read_bytes()).public_key(), rsa.RSAPublicKey)
    (retired,) = tmp_path.glob("agreement-seal.ecdsa-*")
    assert (retired / "cert.pem").read_bytes() == old.public_bytes(serialization.Encoding.PEM)
    assert sealing.seal_problem() is None
