"""The member's request for erasure."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


class ErasureRequestForm(Form):
    password = PasswordField(
        _l("Votre mot de passe"), validators=[DataRequired(message=_l("Indiquez votre mot de passe."))]
    )
    understood = BooleanField(
        _l("J'ai compris : mon compte sera fermé et ce qui me concerne effacé, sauf ce que la loi oblige à garder."),
        validators=[DataRequired(message=_l("Cochez cette case pour confirmer votre demande."))],
    )
