"""Translatable labels of the newcomers' enumerations."""

from __future__ import annotations

from app.core.i18n import lazy_gettext as _l
from app.newcomers.forms import SPACE_LABELS, SUPPORT_LABELS
from app.newcomers.models import RequestStatus

STATUS_LABELS = {
    RequestStatus.NEW: _l("Nouvelle"),
    RequestStatus.UNDER_REVIEW: _l("À l'étude"),
    RequestStatus.ACCEPTED: _l("Acceptée"),
    RequestStatus.DECLINED: _l("Déclinée"),
    RequestStatus.REDIRECTED: _l("Réorientée vers un autre lieu"),
    RequestStatus.WITHDRAWN: _l("Retirée"),
}

# What the newcomer reads about each status on the private page.
STATUS_EXPLANATIONS = {
    RequestStatus.NEW: _l("Votre demande est arrivée ; le lieu qui la traite vous répondra bientôt."),
    RequestStatus.UNDER_REVIEW: _l("Le lieu étudie votre demande. Il peut vous écrire ici pour en savoir plus."),
    RequestStatus.ACCEPTED: _l("Votre demande est acceptée. Un e-mail vous invite à créer votre compte."),
    RequestStatus.DECLINED: _l("Le lieu ne peut pas donner suite à votre demande ; son message l'explique."),
    RequestStatus.REDIRECTED: _l("Votre demande a été confiée à un lieu plus indiqué, qui vous répondra bientôt."),
    RequestStatus.WITHDRAWN: _l("Vous avez retiré votre demande."),
}

AUDIT_ACTION_LABELS = {
    "submitted": _l("Demande envoyée"),
    "under_review": _l("Prise en charge"),
    "declined": _l("Déclinée"),
    "redirected": _l("Réorientée"),
    "accepted": _l("Acceptée"),
    "withdrawn": _l("Retirée par le porteur de projet"),
    "account_created": _l("Compte créé par le porteur de projet"),
    "anonymised": _l("Anonymisée"),
}

__all__ = ["AUDIT_ACTION_LABELS", "SPACE_LABELS", "STATUS_EXPLANATIONS", "STATUS_LABELS", "SUPPORT_LABELS"]
