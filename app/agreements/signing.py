"""Who may see, accept and countersign an agreement, and the records of acceptance and countersignature."""

from __future__ import annotations

from datetime import datetime

from app.agreements import issuing, notices
from app.agreements.models import Agreement, AgreementStatus
from app.core.i18n import gettext as _
from app.core.refusals import Refusal
from app.models import User, utcnow


class SigningError(Refusal):
    """The signature is not possible now."""

    code = "signing_refused"


def can_view(user: User, agreement: Agreement) -> bool:
    """The borrower, the managers of the lending venue and the coordination; nobody else."""
    if user is None or not user.is_authenticated:
        return False
    return user.id == agreement.borrower_id or user.is_coordinator or user.manages(agreement.venue_id)


def can_accept(user: User, agreement: Agreement) -> bool:
    return user.is_authenticated and user.id == agreement.borrower_id and agreement.status == AgreementStatus.ISSUED


def can_countersign(user: User, agreement: Agreement) -> bool:
    return user.is_authenticated and user.manages(agreement.venue_id) and agreement.status == AgreementStatus.ACCEPTED


def _typed_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if len(cleaned) < 2:
        raise SigningError(_("Saisissez votre nom complet."))
    return cleaned


def _check_document(agreement: Agreement, read_sha256: str) -> None:
    if agreement.status == AgreementStatus.VOID:
        raise SigningError(_("Cette version a été remplacée : ouvrez la version en vigueur."))
    if not agreement.sha256 or read_sha256 != agreement.sha256:
        raise SigningError(_("Le document a changé depuis que vous l'avez ouvert : relisez-le avant de signer."))


def _sign(
    agreement: Agreement,
    user: User,
    *,
    role: str,
    full_name: str,
    acknowledged: bool,
    read_sha256: str,
    ip: str,
    now: datetime | None,
) -> None:
    """Record one party's signature: ``role`` is "accepted" (borrower) or "countersigned" (venue)."""
    _check_document(agreement, read_sha256)
    allowed = can_accept if role == "accepted" else can_countersign
    if not allowed(user, agreement):
        raise SigningError(_("Vous ne pouvez pas signer cette convention."))
    if not acknowledged:
        raise SigningError(_("Cochez la case pour confirmer que vous avez lu la convention."))
    name = _typed_name(full_name)
    setattr(agreement, f"{role}_name", name)
    setattr(agreement, f"{role}_at", now or utcnow())
    setattr(agreement, f"{role}_by_id", user.id)
    setattr(agreement, f"{role}_ip", ip[:45])
    agreement.status = AgreementStatus.ACCEPTED if role == "accepted" else AgreementStatus.SIGNED
    issuing.record(agreement, user, role, ip=ip[:45], name=name)


def accept(
    agreement: Agreement,
    user: User,
    *,
    full_name: str,
    acknowledged: bool,
    read_sha256: str,
    ip: str,
    now: datetime | None = None,
) -> None:
    """The borrower accepts the version whose file (``read_sha256``) they read."""
    _sign(
        agreement,
        user,
        role="accepted",
        full_name=full_name,
        acknowledged=acknowledged,
        read_sha256=read_sha256,
        ip=ip,
        now=now,
    )
    notices.accepted(agreement)


def countersign(
    agreement: Agreement,
    user: User,
    *,
    full_name: str,
    acknowledged: bool,
    read_sha256: str,
    ip: str,
    now: datetime | None = None,
) -> None:
    """A manager of the venue countersigns; the final version is rendered on first download."""
    _sign(
        agreement,
        user,
        role="countersigned",
        full_name=full_name,
        acknowledged=acknowledged,
        read_sha256=read_sha256,
        ip=ip,
        now=now,
    )
    notices.signed(agreement)
