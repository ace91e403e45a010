"""Translatable labels of the agreements' enumerations."""

from __future__ import annotations

from app.agreements.models import AgreementKind, AgreementStatus
from app.agreements.verification import Verdict
from app.core.i18n import lazy_gettext as _l

STATUS_LABELS = {
    AgreementStatus.ISSUED: _l("À accepter par l'emprunteur"),
    AgreementStatus.ACCEPTED: _l("Acceptée, à contresigner par le lieu"),
    AgreementStatus.SIGNED: _l("Signée par les deux parties"),
    AgreementStatus.VOID: _l("Annulée"),
}

KIND_LABELS = {
    AgreementKind.BOOKING: _l("Convention de mise à disposition"),
    AgreementKind.TEST_SPACE: _l("Convention d'occupation temporaire d'espace test"),
}

VERDICT_LABELS = {
    Verdict.CURRENT: _l("Convention authentique, en vigueur"),
    Verdict.VOID: _l("Convention authentique, mais cette version est annulée"),
    Verdict.UNKNOWN: _l("Document inconnu : ce n'est pas une convention émise par FNT Partage, ou il a été modifié"),
}
