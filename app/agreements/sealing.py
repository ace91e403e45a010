"""The consortium's seal: a PAdES signature (pyHanko) on every agreement file we store, so that
any PDF reader shows whether the file was altered since.

Key and certificate (PEM files):

- ``AGREEMENT_SEAL_KEY`` and ``AGREEMENT_SEAL_CERT``: their paths (settings or environment), with
  ``AGREEMENT_SEAL_PASSPHRASE`` when the key is encrypted and ``AGREEMENT_SEAL_CHAIN`` for
  intermediate certificates (paths separated by commas). Required in production.
- otherwise (development, tests): ``instance/agreement-seal/key.pem`` and ``cert.pem``, a
  self-signed pair created on first use.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.config import seal_pair_problem
from app.core.clock import utcnow

SEAL_FIELD = "SceauFNT"
CONSORTIUM = "Fabrique numérique de territoire du Grand Amiénois"


class SealUnavailable(RuntimeError):
    """No key and certificate to seal with; the message says what to set."""


def _setting(name: str) -> str:
    return str(current_app.config.get(name) or os.environ.get(name) or "")


def _development_dir() -> Path:
    return Path(current_app.instance_path) / "agreement-seal"


def _generate_development_seal(directory: Path) -> None:
    """A self-signed key and certificate for development, written atomically (two processes
    starting together end up with one pair)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    # ECDSA P-256: read by every current PDF reader, and quick to load (pyHanko loads the key at
    # every signature; an RSA key costs about 50 ms each time).
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "FNT Partage — sceau de développement"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, CONSORTIUM),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Amiens"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        ]
    )
    now = utcnow()
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".seal-", dir=directory.parent))
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(staging / "key.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    (staging / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    try:
        staging.rename(directory)
    except OSError:  # another process made the pair first: use theirs
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class SealFiles:
    key: Path
    cert: Path
    passphrase: bytes | None
    chain: tuple[Path, ...]


def seal_files() -> SealFiles:
    key, cert = _setting("AGREEMENT_SEAL_KEY"), _setting("AGREEMENT_SEAL_CERT")
    passphrase = _setting("AGREEMENT_SEAL_PASSPHRASE").encode() or None
    chain = tuple(Path(p.strip()) for p in _setting("AGREEMENT_SEAL_CHAIN").split(",") if p.strip())
    if key and cert:
        files = SealFiles(Path(key), Path(cert), passphrase, chain)
    elif current_app.config.get("FNT_ENV") == "production":
        raise SealUnavailable(
            "No seal for the agreements: set AGREEMENT_SEAL_KEY and AGREEMENT_SEAL_CERT to the PEM "
            "files of the consortium's signing key and certificate."
        )
    else:
        directory = _development_dir()
        if not (directory / "cert.pem").exists():
            _generate_development_seal(directory)
        files = SealFiles(directory / "key.pem", directory / "cert.pem", None, ())
    for path in (files.key, files.cert, *files.chain):
        if not path.is_file():
            raise SealUnavailable(f"Seal file not found: {path}")
    return files


_signers: dict[tuple, object] = {}


def _signer(files: SealFiles):
    """The pyHanko signer, loaded once per key file (and again if a file is replaced)."""
    from pyhanko.sign import signers

    key = (files, *(path.stat().st_mtime_ns for path in (files.key, files.cert, *files.chain)))
    signer = _signers.get(key)
    if signer is None:
        signer = signers.SimpleSigner.load(
            str(files.key),
            str(files.cert),
            ca_chain_files=[str(path) for path in files.chain] or None,
            key_passphrase=files.passphrase,
        )
        if signer is None:
            raise SealUnavailable(f"The seal key or certificate cannot be read: {files.key}, {files.cert}")
        _signers.clear()
        _signers[key] = signer
    return signer


_checked: dict[tuple, str | None] = {}


def seal_problem() -> str | None:
    """None when the seal works: its key and certificate load and belong together; else why not
    (for ``/healthz`` and the production checks; no secret in the message)."""
    try:
        files = seal_files()
        _signer(files)
    except SealUnavailable as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - whatever pyHanko says, the seal does not work
        return f"the seal key or certificate cannot be loaded ({type(error).__name__})"
    key = (files, *(path.stat().st_mtime_ns for path in (files.key, files.cert)))
    if key not in _checked:
        _checked.clear()
        _checked[key] = seal_pair_problem(files.key, files.cert, files.passphrase)
    return _checked[key]


def seal(pdf: bytes, reason: str) -> bytes:
    """``pdf`` with the consortium's PAdES signature over the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = _signer(seal_files())
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location="Amiens",
        name=CONSORTIUM,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


@dataclass(frozen=True)
class SealCheck:
    present: bool
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # signed by the consortium's certificate
    covers_whole_file: bool

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.trusted and self.covers_whole_file


def check_seal(pdf: bytes) -> SealCheck:
    """Validate the seal of a file against the consortium's certificate (as a PDF reader would)."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    missing = SealCheck(present=False, intact=False, trusted=False, covers_whole_file=False)
    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    except Exception:  # not a readable PDF at all
        return missing
    if not signatures:
        return missing
    files = seal_files()
    roots = []
    for path in (files.cert, *files.chain):
        data = path.read_bytes()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        roots.append(x509.Certificate.load(data))
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except (PdfError, ValueError, KeyError):  # SignatureValidationError is a ValueError
        return SealCheck(present=True, intact=False, trusted=False, covers_whole_file=False)
    return SealCheck(
        present=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )
