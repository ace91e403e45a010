"""The consortium's seal: a PAdES signature (pyHanko) on every agreement file we store, so that
any PDF reader shows whether the file was altered since.

Key and certificate (PEM files):

- ``AGREEMENT_SEAL_KEY`` and ``AGREEMENT_SEAL_CERT``: their paths (settings or environment), with
  ``AGREEMENT_SEAL_PASSPHRASE`` when the key is encrypted and ``AGREEMENT_SEAL_CHAIN`` for
  intermediate certificates (paths separated by commas). Required in production.
  **Use an RSA key** (3072 bits, say): with it the sealed file stays PDF 1.7, hence PDF/A-3. With
  an ECDSA key pyHanko marks the file PDF 2.0 with the ISO/TS 32002 extension (ECDSA signatures
  are not part of PDF 1.7), which PDF/A-3 does not allow: the seal still works, and says so in
  the log once per key.
- otherwise (development, tests): ``instance/agreement-seal/key.pem`` and ``cert.pem``, a
  self-signed RSA pair created on first use. A development pair of an older kind (ECDSA, made
  before the files had to stay PDF/A) is set aside as ``agreement-seal.ecdsa-<time>/`` and a new
  one made; the files sealed with it keep their SHA-256, only their seal is no longer ours.

Time (optional): ``AGREEMENT_TSA_URL``, the address of an RFC 3161 timestamp server. The seal
then carries the server's signed time (PAdES B-T) and, in a document security store (DSS) added
after it, the certificates and revocation data to check it later (PAdES B-LT). The certificates
of the server's authority, when they are not in the system's trust store, are named by
``AGREEMENT_TSA_ROOTS`` (PEM paths separated by commas). If the server does not answer, nothing is
sealed: :class:`TimestampUnavailable` says so (and the log, with the address and the reason),
and the file is made again at its next use, as for any seal that fails. Without the setting the
seal has no trusted time, only the signer's clock (``/M``), as before.

Metadata: pyHanko updates the document information dictionary and the XMP metadata at each
revision it writes, but not quite alike (it appends its name to the dictionary's ``/Producer``
and writes only its own in the XMP). The sealed file names pyHanko as producer in both, and the
other entries (title, author, creator tool, dates) are the document's; :func:`seal` checks that
they agree, and seals again, once, the rare time pyHanko's two readings of the clock for the
modification date fall on two sides of a second.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.config import seal_pair_problem
from app.core.clock import utcnow

log = logging.getLogger(__name__)

SEAL_FIELD = "SceauFNT"
CONSORTIUM = "Fabrique numérique de territoire du Grand Amiénois"
# The seal's field, as a screen reader names it, in the document's language
SEAL_LABELS = {"fr": "Sceau électronique du consortium FNT", "en": "Electronic seal of the FNT consortium"}
DEVELOPMENT_KEY_BITS = 3072
TSA_TIMEOUT_SECONDS = 10


class SealUnavailable(RuntimeError):
    """No key and certificate to seal with; the message says what to set."""


class TimestampUnavailable(SealUnavailable):
    """The timestamp server (``AGREEMENT_TSA_URL``) did not give a timestamp: nothing was sealed."""


def _setting(name: str) -> str:
    return str(current_app.config.get(name) or os.environ.get(name) or "")


def _development_dir() -> Path:
    return Path(current_app.instance_path) / "agreement-seal"


def _generate_development_seal(directory: Path) -> None:
    """A self-signed key and certificate for development, written atomically (two processes
    starting together end up with one pair)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    # RSA, so that the sealed files stay PDF 1.7 (PDF/A-3): see the module's docstring. Decoding an
    # RSA key costs about 190 ms (3072 bits): it is decoded once per process (``_signer``).
    key = rsa.generate_private_key(public_exponent=65537, key_size=DEVELOPMENT_KEY_BITS)
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


_development_kinds: dict[tuple[Path, int], bool] = {}


def _is_rsa_certificate(cert: Path) -> bool:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    return isinstance(x509.load_pem_x509_certificate(cert.read_bytes()).public_key(), rsa.RSAPublicKey)


def _ensure_development_seal(directory: Path) -> None:
    """The development pair, made if missing, and made again if it is of the older ECDSA kind
    (the old one is set aside, never deleted)."""
    cert = directory / "cert.pem"
    if not cert.exists():
        _generate_development_seal(directory)
        return
    key = (cert, cert.stat().st_mtime_ns)
    if key not in _development_kinds:
        _development_kinds.clear()
        _development_kinds[key] = _is_rsa_certificate(cert)
    if _development_kinds[key]:
        return
    retired = directory.with_name(f"{directory.name}.ecdsa-{utcnow():%Y%m%dT%H%M%S%f}")
    try:
        directory.rename(retired)
        log.warning("agreement seal: the development pair was ECDSA, set aside as %s; a new RSA pair is made", retired)
    except OSError:  # another process set it aside first
        pass
    _generate_development_seal(directory)


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
        _ensure_development_seal(directory)
        files = SealFiles(directory / "key.pem", directory / "cert.pem", None, ())
    for path in (files.key, files.cert, *files.chain):
        if not path.is_file():
            raise SealUnavailable(f"Seal file not found: {path}")
    return files


_signers: dict[tuple, object] = {}


def _key_kept_signer(loaded):
    """pyHanko's ``SimpleSigner`` decodes its private key at every signature, twice per seal (once
    to size it): about 190 ms each for an RSA 3072 key, whose decoding checks the key. This one
    keeps the decoded RSA key, and sizes the signature without computing it (same length as the
    modulus); other kinds of key are left to pyHanko."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeyKeptSigner(SimpleSigner):
        _private_key: rsa.RSAPrivateKey | None = None

        def _rsa_pkcs1(self, digest_algorithm: str) -> bool:
            return self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo == "rsassa_pkcs1v15"

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if not self._rsa_pkcs1(digest_algorithm):
                return super().sign_raw(data, digest_algorithm)
            if self._private_key is None:
                key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
                assert isinstance(key, rsa.RSAPrivateKey)
                self._private_key = key
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            if dry_run and self.signing_cert is not None and self._rsa_pkcs1(digest_algorithm):
                return bytes((self.signing_cert.public_key.bit_size + 7) // 8)
            return self.sign_raw(data, digest_algorithm)

    return KeyKeptSigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


def _signer(files: SealFiles):
    """The pyHanko signer, loaded once per key file (and again if a file is replaced)."""
    from pyhanko.sign import signers

    key = (files, *(path.stat().st_mtime_ns for path in (files.key, files.cert, *files.chain)))
    signer = _signers.get(key)
    if signer is None:
        loaded = signers.SimpleSigner.load(
            str(files.key),
            str(files.cert),
            ca_chain_files=[str(path) for path in files.chain] or None,
            key_passphrase=files.passphrase,
        )
        if loaded is None:
            raise SealUnavailable(f"The seal key or certificate cannot be read: {files.key}, {files.cert}")
        algorithm = loaded.signing_cert.public_key.algorithm if loaded.signing_cert else "?"
        if algorithm != "rsa":
            log.warning(
                "agreement seal: the key %s is %s, not RSA: pyHanko marks the sealed agreements PDF 2.0 "
                "(ISO/TS 32002), which PDF/A-3 does not allow; set an RSA key and certificate",
                files.key,
                algorithm.upper(),
            )
        signer = _key_kept_signer(loaded)
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


def _paths(setting: str) -> tuple[Path, ...]:
    return tuple(Path(p.strip()) for p in _setting(setting).split(",") if p.strip())


def _certificates(paths) -> list:
    """The certificates of PEM (or DER) files, as asn1crypto objects (a PEM file may hold several)."""
    from asn1crypto import pem, x509

    certificates: list[x509.Certificate] = []
    for path in paths:
        data = path.read_bytes()
        if pem.detect(data):
            certificates.extend(x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True))
        else:
            certificates.append(x509.Certificate.load(data))
    return certificates


_tsa_trust: dict[tuple, list] = {}


def _tsa_roots() -> list:
    """The certificates that a timestamp's authority must chain to: ``AGREEMENT_TSA_ROOTS``, else
    the system's trust store (read once per process, and again if a file is replaced)."""
    paths = _paths("AGREEMENT_TSA_ROOTS")
    for path in paths:
        if not path.is_file():
            raise SealUnavailable(f"AGREEMENT_TSA_ROOTS: file not found: {path}")
    if not paths:
        system = ssl.get_default_verify_paths().cafile
        paths = (Path(system),) if system and Path(system).is_file() else ()
    key = tuple((path, path.stat().st_mtime_ns) for path in paths)
    if key not in _tsa_trust:
        _tsa_trust.clear()
        _tsa_trust[key] = _certificates(paths)
    return _tsa_trust[key]


def tsa_url() -> str:
    return _setting("AGREEMENT_TSA_URL")


_timestampers: dict[str, object] = {}


def _timestamper(url: str):
    """One client per server address, kept: pyHanko asks the server for a first timestamp to size
    the signature, and keeps it (so a seal costs one request, not two)."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    if url not in _timestampers:
        _timestampers.clear()
        _timestampers[url] = HTTPTimeStamper(url, timeout=TSA_TIMEOUT_SECONDS)
    return _timestampers[url]


def _validation_context(files: SealFiles):
    """What a timestamped seal is checked against before its validation data are embedded: the
    seal's own certificates and the timestamp authority's roots."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=[*_certificates((files.cert, *files.chain)), *_tsa_roots()],
        allow_fetching=True,  # the revocation data (OCSP, CRL) of a real authority, for the DSS
    )


def _timestamp_failure(what: str) -> TimestampUnavailable:
    message = (
        f"The timestamp server {tsa_url()} {what}: the agreement is not sealed; it will be made again at its next use"
    )
    log.error("agreement seal: %s", message)
    return TimestampUnavailable(message)


def _prepare_metadata(writer) -> None:
    """Producer: pyHanko, the last program to write the file, in the information dictionary as
    pyHanko writes it in the XMP at each revision (it would otherwise append itself to
    WeasyPrint's name in the dictionary only). Title, author, creator tool and creation date
    stay the document's, in both."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info = generic.DictionaryObject(dict(writer.trailer["/Info"].items()) if "/Info" in writer.trailer else {})
    info[generic.pdf_name("/Producer")] = generic.TextStringObject(VENDOR)
    writer.set_info(info)


def _add_tagged_seal_field(writer) -> None:
    """The seal's (invisible) signature field, made before pyHanko signs it, and tagged: PDF/UA
    wants every annotation in the structure tree, a widget in a ``Form`` element with its name
    for a screen reader (``/TU``, ``/Alt``), in the language of the document."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    append_signature_field(writer, SigFieldSpec(SEAL_FIELD, on_page=0))
    root = writer.root
    if "/StructTreeRoot" not in root:  # an untagged file (not one of ours): nothing to tag
        return
    tree = root["/StructTreeRoot"]
    language = str(root["/Lang"])[:2] if "/Lang" in root else "fr"
    label = generic.TextStringObject(SEAL_LABELS.get(language, SEAL_LABELS["fr"]))
    page_ref = writer.find_page_for_modification(0)[0]
    widget_ref = next(
        annotation for annotation in page_ref.get_object()["/Annots"] if annotation.get_object()["/T"] == SEAL_FIELD
    )
    widget = widget_ref.get_object()
    top = tree.raw_get("/K")
    document_ref = top.raw_get(0) if isinstance(top, generic.ArrayObject) else top  # WeasyPrint's /Document
    parent_tree = tree["/ParentTree"]
    numbers = parent_tree["/Nums"]
    used = max((int(numbers[index]) for index in range(0, len(numbers), 2)), default=-1)
    key = int(tree["/ParentTreeNextKey"]) if "/ParentTreeNextKey" in tree else used + 1
    form_ref = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/StructElem"),
                generic.pdf_name("/S"): generic.pdf_name("/Form"),
                generic.pdf_name("/P"): document_ref,
                generic.pdf_name("/Pg"): page_ref,
                generic.pdf_name("/Alt"): label,
                generic.pdf_name("/K"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Type"): generic.pdf_name("/OBJR"),
                        generic.pdf_name("/Obj"): widget_ref,
                        generic.pdf_name("/Pg"): page_ref,
                    }
                ),
            }
        )
    )
    document = document_ref.get_object()
    kids = document.raw_get("/K")
    if isinstance(kids, generic.ArrayObject):
        kids.append(form_ref)  # last in reading order: the seal comes after the whole document
    else:
        document[generic.pdf_name("/K")] = generic.ArrayObject([kids, form_ref])
    writer.update_container(document)
    numbers.extend([generic.NumberObject(key), form_ref])
    writer.update_container(parent_tree)
    tree[generic.pdf_name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree)
    widget[generic.pdf_name("/StructParent")] = generic.NumberObject(key)
    widget[generic.pdf_name("/TU")] = label
    writer.update_container(widget)


def _sign(pdf: bytes, reason: str, files: SealFiles) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    signer = _signer(files)
    url = tsa_url()
    timestamper, long_term = None, {}
    if url:  # PAdES B-LT: the timestamp, then the validation data in a DSS
        timestamper = _timestamper(url)
        long_term = {"embed_validation_info": True, "validation_context": _validation_context(files)}
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location="Amiens",
        name=CONSORTIUM,
        **long_term,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _prepare_metadata(writer)
    _add_tagged_seal_field(writer)
    try:
        return signers.sign_pdf(writer, metadata, signer=signer, timestamper=timestamper).getvalue()
    except TimestampRequestError as error:
        cause = error.__cause__ or error
        raise _timestamp_failure(f"gave no timestamp ({type(cause).__name__}: {cause})") from error
    except (PathBuildingError, PathValidationError) as error:
        if not url:
            raise
        raise _timestamp_failure(
            f"gave a timestamp whose certificate cannot be validated ({error}); "
            "set AGREEMENT_TSA_ROOTS to the PEM file of its authority's root certificate"
        ) from error


def warm_up() -> None:
    """Load the seal's key and pyHanko's signing code before the first agreement
    (``agreements.warmup``); contacts no timestamp server."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: F401
    from pyhanko.sign import signers  # noqa: F401

    _signer(seal_files())


def seal(pdf: bytes, reason: str) -> bytes:
    """``pdf`` with the consortium's PAdES signature over the whole file (and, with a timestamp
    server, its timestamp and validation data)."""
    files = seal_files()
    sealed = _sign(pdf, reason, files)
    if metadata_disagreements(sealed):  # the clock ticked between pyHanko's two readings of it
        sealed = _sign(pdf, reason, files)
        problems = metadata_disagreements(sealed)
        if problems:
            raise RuntimeError(f"the sealed agreement's metadata disagree: {', '.join(problems)}")
    return sealed


def metadata_disagreements(pdf: bytes) -> list[str]:
    """The entries of the information dictionary that the XMP metadata say otherwise (PDF/A wants
    them to agree; none disagree in a file we sealed)."""
    from pyhanko.pdf_utils.metadata import model, xmp_xml
    from pyhanko.pdf_utils.metadata.info import view_from_info_dict
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    info_dict = reader.trailer["/Info"]
    roots = reader.get_object(reader.root.raw_get("/Metadata").reference, as_metadata_stream=True).xmp
    info, xmp = view_from_info_dict(info_dict), xmp_xml.meta_from_xmp(roots)
    producer = {name: value for root in roots for name, value in root}.get(model.PDF_PRODUCER)

    def text(value) -> str | None:
        return None if value is None else str(value)

    pairs = {
        "/Producer": (text(info_dict.get("/Producer")), text(producer.value if producer else None)),
        "/Title": (text(info.title), text(xmp.title)),
        "/Author": (text(info.author), text(xmp.author)),
        "/Creator": (text(info.creator), text(xmp.creator)),
        "/CreationDate": (info.created, xmp.created),  # aware datetimes: the same instant
        "/ModDate": (info.last_modified, xmp.last_modified),
    }
    return [key for key, (in_info, in_xmp) in pairs.items() if in_info != in_xmp]


@dataclass(frozen=True)
class SealCheck:
    present: bool
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # signed by the consortium's certificate
    covers_whole_file: bool  # nothing after the seal but its validation data (DSS)
    timestamped_at: dt.datetime | None = None  # the timestamp server's time, when its token is valid

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.trusted and self.covers_whole_file


def check_seal(pdf: bytes) -> SealCheck:
    """Validate the seal of a file against the consortium's certificate (as a PDF reader would),
    and its timestamp, if any, against the timestamp authority's (``AGREEMENT_TSA_ROOTS``, or the
    system's trust store)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
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
    context = ValidationContext(trust_roots=_certificates((files.cert, *files.chain)), allow_fetching=False)
    tsa_context = ValidationContext(trust_roots=_tsa_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[-1], context, ts_validation_context=tsa_context)
    except (PdfError, ValueError, KeyError):  # SignatureValidationError is a ValueError
        return SealCheck(present=True, intact=False, trusted=False, covers_whole_file=False)
    only_validation_data_after = (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    )
    stamp = status.timestamp_validity
    trusted_time = stamp.timestamp if stamp is not None and stamp.intact and stamp.valid and stamp.trusted else None
    return SealCheck(
        present=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE or only_validation_data_after,
        timestamped_at=trusted_time,
    )
