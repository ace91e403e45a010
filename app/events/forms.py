"""The events' forms: the agenda's filters (GET), registering, the manager's event form, the
organisers' message, cancelling, the coordinators' note. Times are Paris wall-clock times."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.bookings.forms import PeriodFields
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.manage.forms import EurosField


class AgendaFilterForm(Form):
    """The agenda's filters: sent by GET, no CSRF, the address can be shared."""

    class Meta:
        csrf = False

    lieu = SelectField(_l("Lieu"), validators=[Optional()], validate_choice=False)
    thematique = SelectField(_l("Thématique"), validators=[Optional()], validate_choice=False)
    categorie = SelectField(_l("Catégorie"), validators=[Optional()], validate_choice=False)
    public = SelectField(_l("Public"), validators=[Optional()], validate_choice=False)
    du = DateField(_l("Du"), validators=[Optional()])
    au = DateField(_l("Au"), validators=[Optional()])
    commun = BooleanField(_l("Programme commun du consortium seulement"))


class RegistrationForm(Form):
    name = StringField(_l("Nom"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Adresse e-mail"), validators=[Optional(), Length(max=255)])
    consent = BooleanField(
        _l("J'accepte que mes nom et adresse servent à gérer mon inscription (politique de confidentialité).")
    )


class EventForm(PeriodFields, Form):
    """A venue's event; the choices are set by the view."""

    title = StringField(_l("Titre"), validators=[InputRequired(message=_l("Indiquez un titre.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    # Checked by its content in ``app.events.images`` (not by its name nor its declared type).
    image = FileField(_l("Image (JPEG, PNG ou WebP)"))
    image_alt = StringField(_l("Description de l'image"), validators=[Optional(), Length(max=255)])
    remove_image = BooleanField(_l("Retirer l'image"))
    category = SelectField(_l("Catégorie"), coerce=int)
    themes = SelectMultipleField(_l("Thématiques"), coerce=int, validators=[Optional()])
    audience = SelectField(_l("Public"))
    resource = SelectField(_l("Espace"), coerce=int)
    capacity = IntegerField(
        _l("Nombre de places"),
        validators=[InputRequired(message=_l("Indiquez un nombre de places.")), NumberRange(min=1, max=9999)],
    )
    members_only = BooleanField(_l("Réservé aux membres"))
    price_full_cents = EurosField(_l("Plein tarif (€, 0 : gratuit)"))
    price_reduced_cents = EurosField(_l("Tarif réduit (€)"))
    price_member_cents = EurosField(_l("Tarif membre (€)"))
    accessibility = TextAreaField(_l("Accessibilité du lieu"), validators=[Optional(), Length(max=2000)])
    organiser = StringField(_l("Organisateur ou partenaire extérieur"), validators=[Optional(), Length(max=200)])
    machine_type = StringField(_l("Type de machine (formations)"), validators=[Optional(), Length(max=80)])
    monthly_count = IntegerField(
        _l("Répéter chaque mois, le même jour de la semaine (nombre de fois, facultatif)"),
        validators=[Optional(), NumberRange(min=2, max=36)],
    )


class CancelEventForm(Form):
    reason = TextAreaField(_l("Motif (envoyé aux personnes inscrites)"), validators=[Optional(), Length(max=1000)])


class MessageForm(Form):
    subject = StringField(_l("Objet"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=5000)])


class AttendanceForm(Form):
    consortium_wide = BooleanField(_l("Habilitation reconnue dans tout le consortium"))
    expires_on = DateField(_l("Habilitation valable jusqu'au (inclus, facultatif)"), validators=[Optional()])


class NoteForm(Form):
    note = TextAreaField(_l("Note pour le lieu"), validators=[Optional(), Length(max=2000)])


class CategoryForm(Form):
    name_fr = StringField(_l("Nom en français"), validators=[Optional(), Length(max=120)])
    name_en = StringField(_l("Nom en anglais (facultatif)"), validators=[Optional(), Length(max=120)])
    is_training = BooleanField(_l("Formation (nomme un type de machine, la présence ouvre l'habilitation)"))
