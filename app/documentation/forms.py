"""The documentation's forms. Choices that come from the database are filled by the view."""

from __future__ import annotations

from flask_wtf.file import FileField, MultipleFileField
from wtforms import RadioField, SearchField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.documentation.labels import AUDIENCE_LABELS, LANGUAGE_LABELS, VISIBILITY_LABELS, licence_label
from app.documentation.models import Language, Licence, ToolAudience, Visibility

BODY_MAX_LENGTH = 50_000


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value.value, label) for value, label in labels.items()]


class GuideForm(Form):
    title = StringField(_l("Titre"), validators=[InputRequired(_l("Donnez un titre au guide.")), Length(max=160)])
    language = SelectField(_l("Langue"), choices=_choices(LANGUAGE_LABELS), default=Language.FR.value)
    body = TextAreaField(
        _l("Texte du guide (Markdown)"),
        validators=[InputRequired(_l("Écrivez le texte du guide.")), Length(max=BODY_MAX_LENGTH)],
        render_kw={"rows": 18},
    )
    note = StringField(_l("Ce qui change dans cette version"), validators=[Optional(), Length(max=255)])


class PreviewForm(Form):
    """The text sent for a preview (htmx, while writing); nothing is written."""

    body = TextAreaField(validators=[Optional(), Length(max=BODY_MAX_LENGTH)])


class FileForm(Form):
    file = FileField(_l("Fichier (PDF, image ou document bureautique)"))
    description = StringField(_l("Description"), validators=[Optional(), Length(max=255)])


class ToolForm(Form):
    venue = SelectField(_l("Lieu qui partage l'outil"), coerce=int, validate_choice=False)
    title = StringField(_l("Titre"), validators=[InputRequired(_l("Donnez un titre à l'outil.")), Length(max=160)])
    summary = StringField(_l("En une phrase"), validators=[Optional(), Length(max=255)])
    body = TextAreaField(
        _l("Description, déroulé (Markdown)"),
        validators=[Optional(), Length(max=BODY_MAX_LENGTH)],
        render_kw={"rows": 12},
    )
    audience = SelectField(_l("Public"), choices=_choices(AUDIENCE_LABELS), default=ToolAudience.EVERYONE.value)
    visibility = RadioField(
        _l("Qui peut le voir"), choices=_choices(VISIBILITY_LABELS), default=Visibility.PUBLIC.value
    )
    themes = MultiCheckboxField(_l("Thématiques"), coerce=int, validate_choice=False)
    resources = MultiCheckboxField(_l("Kits et espaces nécessaires"), coerce=int, validate_choice=False)
    file = FileField(_l("Fichier joint (facultatif : PDF, image ou document bureautique)"))


class ReuseForm(Form):
    venue = SelectField(_l("Réutiliser au nom de"), coerce=int, validate_choice=False)


class ToolFilterForm(Form):
    """The toolbox's filters: sent by GET, no CSRF, the address can be shared."""

    class Meta:
        csrf = False

    q = SearchField(_l("Mots-clés"), validators=[Optional(), Length(max=100)])
    theme = SelectField(_l("Thématique"), validators=[Optional()], validate_choice=False)
    audience = SelectField(_l("Public"), validators=[Optional()], validate_choice=False)
    venue = SelectField(_l("Lieu"), validators=[Optional()], validate_choice=False)


class SearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Rechercher dans la documentation"), validators=[Optional(), Length(max=100)])


class ProjectForm(Form):
    title = StringField(_l("Titre"), validators=[InputRequired(_l("Donnez un titre au projet.")), Length(max=160)])
    summary = StringField(_l("En une phrase"), validators=[Optional(), Length(max=255)])
    body = TextAreaField(
        _l("Le projet : ce que vous avez fait, comment (Markdown)"),
        validators=[InputRequired(_l("Racontez le projet.")), Length(max=BODY_MAX_LENGTH)],
        render_kw={"rows": 12},
    )
    resources = MultiCheckboxField(_l("Machines, kits et espaces utilisés"), coerce=int, validate_choice=False)
    venues = MultiCheckboxField(_l("Lieux"), coerce=int, validate_choice=False)
    licence = SelectField(
        _l("Licence Creative Commons"),
        choices=[SelectChoice(licence.value, "") for licence in Licence],
        default=Licence.CC_BY_SA.value,
    )
    photos = MultipleFileField(_l("Photos (JPEG, PNG, WebP ou GIF)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.licence.choices = [SelectChoice(licence.value, licence_label(licence)) for licence in Licence]


class ModerationForm(Form):
    note = TextAreaField(_l("Note à l'auteur·e"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
