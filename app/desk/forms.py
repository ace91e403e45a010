"""The desk's forms: a decision (with its note), a batch of decisions, a kit's hand-over or return.

The checklist of a kit is read from the request as the list of items ticked present
(checkboxes ``present`` whose values are the item numbers): an item not ticked is missing.
"""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.manage.forms import EurosField


class DecisionForm(Form):
    note = TextAreaField(_l("Note à la personne (obligatoire pour refuser)"), validators=[Length(max=1000)])


class BulkForm(Form):
    note = TextAreaField(
        _l("Note pour toutes les demandes cochées (obligatoire pour refuser)"), validators=[Length(max=1000)]
    )

    def booking_ids(self, raw: list[str]) -> list[int]:
        return [int(value) for value in raw if value.isdigit()][:200]


class HandOverForm(Form):
    condition_notes = TextAreaField(_l("État du kit au départ"), validators=[Length(max=2000)])
    commune = StringField(
        _l("Commune où le kit est utilisé"),
        validators=[DataRequired(message=_l("Indiquez la commune où le kit est utilisé.")), Length(max=120)],
    )
    partner = StringField(_l("Partenaire qui l'accueille (facultatif)"), validators=[Length(max=200)])
    deposit = EurosField(_l("Caution reçue (€)"))


class ReturnForm(Form):
    condition_notes = TextAreaField(
        _l("État du kit au retour, ce qui manque ou est abîmé"), validators=[Length(max=2000)]
    )
    deposit = EurosField(_l("Caution rendue (€)"))


def ticked(items: list[str], raw: list[str]) -> dict[str, bool]:
    """Every item of the checklist, present when its number was ticked."""
    chosen = {int(value) for value in raw if value.isdigit()}
    return {item: index in chosen for index, item in enumerate(items)}
