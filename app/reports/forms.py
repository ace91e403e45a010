"""The report's filters (a GET form: they live in the address) and the annual report's texts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.core.forms import InputLength
from app.core.i18n import lazy_gettext as _l
from app.reports.figures import KIND_LABELS
from app.reports.periods import KINDS


class FiltersForm(FlaskForm):
    """Read from the query string; no CSRF (reading a report changes nothing)."""

    class Meta:
        csrf = False

    periode = SelectField(
        _l("Période"), choices=[SelectChoice(k, label) for k, label in KINDS.items()], default="month"
    )
    mois = StringField(_l("Mois"), validators=[Optional(), InputLength(max=7)], render_kw={"type": "month"})
    trimestre = StringField(
        _l("Trimestre"), validators=[Optional(), Length(max=7)], render_kw={"placeholder": "2027-T1"}
    )
    annee = StringField(_l("Année"), validators=[Optional(), Length(max=4)], render_kw={"inputmode": "numeric"})
    du = StringField(_l("Du"), validators=[Optional(), InputLength(max=10)], render_kw={"type": "date"})
    au = StringField(_l("Au"), validators=[Optional(), InputLength(max=10)], render_kw={"type": "date"})
    lieu = SelectField(_l("Lieu"), default="")
    type = SelectField(
        _l("Type de ressource"),
        choices=[SelectChoice("", _l("Tous"))]
        + [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default="",
    )
    thematique = SelectField(_l("Thématique"), default="")


class AnnualReportForm(FlaskForm):
    """The foreword; each venue's paragraph is a field ``lieu-<id>`` of the same form (read by the view)."""

    annee = IntegerField(
        _l("Année"),
        validators=[
            InputRequired(message=_l("Indiquez l'année.")),
            NumberRange(min=2000, max=2100, message=_l("Indiquez une année entre 2000 et 2100.")),
        ],
    )
    avant_propos = TextAreaField(
        _l("Avant-propos"),
        validators=[Length(max=5000, message=_l("L'avant-propos tient en 5 000 caractères au plus."))],
    )


PARAGRAPH_MAX = 2000
