"""The form of the account page's API tokens."""

from __future__ import annotations

from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


class TokenForm(Form):
    name = StringField(
        _l("Nom du jeton"),
        validators=[InputRequired(_l("Donnez un nom à ce jeton (par exemple : site du lieu).")), Length(max=80)],
    )
    expires_on = DateField(
        _l("Valable jusqu'au (facultatif)"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
