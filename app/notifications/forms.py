"""Forms of the notifications pages."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l

IMMEDIATE, DAILY, NONE = "immediate", "daily", "none"
CHOOSE = _l("Choisissez une des trois options.")


class DeliveryForm(Form):
    """A manager's choice: each message about their venues as it comes, one digest a day, or none."""

    delivery = RadioField(
        _l("Messages sur les lieux que je gère"),
        choices=[
            SelectChoice(IMMEDIATE, _l("Un e-mail par évènement, tout de suite")),
            SelectChoice(DAILY, _l("Un résumé par jour (demandes, annulations, modifications)")),
            SelectChoice(NONE, _l("Aucun e-mail : je suis les demandes sur le guichet")),
        ],
        validate_choice=False,  # AnyOf says it in our words
        validators=[InputRequired(CHOOSE), AnyOf([IMMEDIATE, DAILY, NONE], message=CHOOSE)],
    )
