"""Public verification of an agreement file: genuine and current, a voided version, or unknown.

A file is identified by its SHA-256 alone: any changed byte gives another hash, so an altered
file is "unknown". What is shown of a known agreement is only what the parties would not mind a
third party seeing: number, version, venue, first and last day, status.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import BinaryIO

from sqlalchemy import or_, select

from app.agreements.models import Agreement, AgreementStatus
from app.core.clock import PARIS
from app.extensions import db

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NUMBER = re.compile(r"^FNT-\d{4}-\d{4,}$")


class Verdict(enum.StrEnum):
    CURRENT = "current"  # a genuine copy of the version in force
    VOID = "void"  # a genuine copy of a version that was replaced or cancelled
    UNKNOWN = "unknown"  # not a file we issued (or altered since)


@dataclass(frozen=True)
class PublicSummary:
    number: str
    version: int
    venue: str
    first_day: date
    last_day: date
    status: AgreementStatus
    replaced_by: int | None


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    summary: PublicSummary | None = None
    final_copy: bool = False  # the signed final copy (else the copy issued for acceptance)
    signed_copy_exists: bool = False


def normalise_sha256(text: str) -> str | None:
    cleaned = re.sub(r"\s+", "", text or "").lower()
    return cleaned if _HEX64.match(cleaned) else None


def normalise_number(text: str) -> str | None:
    cleaned = re.sub(r"\s+", "", text or "").upper()
    return cleaned if _NUMBER.match(cleaned) else None


def _days(agreement: Agreement) -> tuple[date, date]:
    items = agreement.content.get("items") or []
    starts = [datetime.fromisoformat(item["starts_at"]) for item in items]
    ends = [datetime.fromisoformat(item["ends_at"]) - timedelta(microseconds=1) for item in items]
    return min(starts).astimezone(PARIS).date(), max(ends).astimezone(PARIS).date()


def summary_of(agreement: Agreement) -> PublicSummary:
    first_day, last_day = _days(agreement)
    successor = agreement.next_version
    return PublicSummary(
        number=agreement.number,
        version=agreement.version,
        venue=agreement.content["venue"]["name"],
        first_day=first_day,
        last_day=last_day,
        status=agreement.status,
        replaced_by=successor.version if successor is not None else None,
    )


def _verdict(agreement: Agreement | None, final_copy: bool = False) -> Verification:
    if agreement is None:
        return Verification(Verdict.UNKNOWN)
    return Verification(
        verdict=Verdict.CURRENT if agreement.is_current else Verdict.VOID,
        summary=summary_of(agreement),
        final_copy=final_copy,
        signed_copy_exists=agreement.final_sha256 is not None,
    )


def by_sha256(digest: str, number: str | None = None) -> Verification:
    """The file whose SHA-256 is ``digest`` (and, when given, whose number is ``number``)."""
    query = select(Agreement).where(or_(Agreement.sha256 == digest, Agreement.final_sha256 == digest))
    if number is not None:
        query = query.where(Agreement.number == number)
    agreement = db.session.scalars(query).first()
    return _verdict(agreement, final_copy=agreement is not None and agreement.final_sha256 == digest)


def by_upload(stream: BinaryIO) -> Verification:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        digest.update(chunk)
    return by_sha256(digest.hexdigest())


def by_code(code: str) -> Verification:
    """The version whose short verification URL (printed, and in the QR code) is ``code``."""
    agreement = db.session.scalars(select(Agreement).where(Agreement.verification_code == code)).first()
    return _verdict(agreement)
