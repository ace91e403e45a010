"""Forms of the notifications pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

IMMEDIATE, DAILY = "immediate", "daily"


class DeliveryForm(FlaskForm):
    """A manager's choice: each message about their venues as it comes, or one digest a day."""

    delivery = RadioField(
        _l("Messages sur les lieux que je gère"),
        choices=[
            (IMMEDIATE, _l("Un e-mail par évènement, tout de suite")),
            (DAILY, _l("Un résumé par jour (demandes, annulations, modifications)")),
        ],
        validators=[InputRequired(_l("Choisissez une des deux options."))],
    )
