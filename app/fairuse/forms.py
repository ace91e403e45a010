"""The fair-use forms: a booking on behalf of a member, a request for a training."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.bookings.forms import PeriodFields
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


def _id_or_none_chosen(value) -> int:
    """A choice's id; 0 for the empty first option ("Choisissez…"), whose value HTML wants empty."""
    return int(value) if value not in ("", None) else 0


class OnBehalfForm(PeriodFields, Form):
    """Which resource, for whom, when; the choices are set by the view."""

    resource = SelectField(
        _l("Ressource"), coerce=_id_or_none_chosen, validators=[InputRequired(message=_l("Choisissez une ressource."))]
    )
    member = SelectField(
        _l("Pour le compte de"),
        coerce=_id_or_none_chosen,
        validators=[InputRequired(message=_l("Choisissez la personne pour qui vous réservez."))],
    )
    quantity = IntegerField(
        _l("Nombre d'unités (kits)"), default=1, validators=[Optional(), NumberRange(min=1, max=999)]
    )
    attendees = IntegerField(
        _l("Nombre de personnes (facultatif)"), validators=[Optional(), NumberRange(min=1, max=9999)]
    )
    purpose = TextAreaField(_l("Objet de la réservation"), validators=[Optional(), Length(max=2000)])


class TrainingRequestForm(Form):
    message = TextAreaField(
        _l("Un mot pour le lieu (facultatif : vos disponibilités, votre projet)"),
        validators=[Optional(), Length(max=1000)],
    )
