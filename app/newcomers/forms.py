"""Forms of the newcomers' journey: the public request, the private page, the desk, the routing."""

from __future__ import annotations

from datetime import timedelta

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.forms import ORGANISATION_KINDS, _email_field, _password_field
from app.bookings.service import Frequency
from app.core.clock import paris_today
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.newcomers.models import SpaceKind, SupportKind

MAX_PERIOD_DAYS = 366
MAX_LEAD_DAYS = 2 * 366

SUPPORT_LABELS = {
    SupportKind.TEST_SPACE: _l("Un espace test pour expérimenter le projet"),
    SupportKind.COACHING: _l("Un accompagnement pour construire le projet"),
    SupportKind.NETWORKING: _l("Une mise en réseau avec d'autres porteurs de projet"),
    SupportKind.EQUIPMENT: _l("L'accès à des machines ou à du matériel"),
    SupportKind.TRAINING: _l("Une formation"),
    SupportKind.OTHER: _l("Autre chose (précisez dans la description)"),
}

SPACE_LABELS = {
    SpaceKind.NONE: _l("Pas d'espace en particulier"),
    SpaceKind.WORKSHOP: _l("Un atelier"),
    SpaceKind.OFFICE: _l("Un bureau ou un poste de travail"),
    SpaceKind.MEETING_ROOM: _l("Une salle de réunion ou d'activité"),
    SpaceKind.STUDIO: _l("Un studio ou une salle de répétition"),
    SpaceKind.LAND: _l("Une parcelle à cultiver"),
    SpaceKind.OUTDOOR: _l("Un espace extérieur"),
    SpaceKind.OTHER: _l("Autre (précisez dans les besoins)"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _text(label, required_message=None, max_length=160, **kwargs):
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    validators.append(Length(max=max_length, message=_l("%(max)d caractères au plus.", max=max_length)))
    return StringField(label, validators=validators, **kwargs)


def _long_text(label, required_message=None, max_length=2000, min_length=0):
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    validators.append(
        Length(
            min=min_length,
            max=max_length,
            message=_l("Entre %(min)d et %(max)d caractères.", min=min_length, max=max_length)
            if min_length
            else _l("%(max)d caractères au plus.", max=max_length),
        )
    )
    return TextAreaField(label, validators=validators)


class NewcomerRequestForm(Form):
    """The public request. ``themes`` choices are filled by the view from the Theme table."""

    name = _text(_l("Nom et prénom"), _l("Indiquez votre nom."), 120)
    email = _email_field()
    phone = StringField(
        _l("Téléphone (facultatif)"),
        validators=[
            Optional(),
            Length(max=40, message=_l("%(max)d caractères au plus.", max=40)),
            Regexp(
                r"^[0-9+ .()\-]*$",
                message=_l("Un numéro de téléphone ne contient que des chiffres, espaces et + . ( ) -"),
            ),
        ],
    )
    organisation = _text(_l("Structure (facultatif : association, collectif, entreprise…)"), None, 160)
    project_title = _text(_l("Titre du projet"), _l("Donnez un titre à votre projet."), 160)
    project_description = _long_text(
        _l("Description du projet"), _l("Décrivez votre projet en quelques lignes."), 5000, min_length=30
    )
    themes = MultiCheckboxField(
        _l("Thématiques du projet"),
        coerce=int,
        validate_choice=True,
        validators=[DataRequired(message=_l("Choisissez au moins une thématique."))],
    )
    support_kind = RadioField(
        _l("Accompagnement recherché"),
        choices=[SelectChoice(kind.value, label) for kind, label in SUPPORT_LABELS.items()],
        validators=[InputRequired(message=_l("Choisissez le type d'accompagnement recherché."))],
    )
    period_start = DateField(
        _l("Début de la période souhaitée"), validators=[InputRequired(message=_l("Indiquez une date de début."))]
    )
    period_end = DateField(
        _l("Fin de la période souhaitée"), validators=[InputRequired(message=_l("Indiquez une date de fin."))]
    )
    space_kind = SelectField(
        _l("Type d'espace recherché"),
        choices=[SelectChoice(kind.value, label) for kind, label in SPACE_LABELS.items()],
        default=SpaceKind.NONE.value,
    )
    equipment = _long_text(_l("Équipements, machines et autres besoins (facultatif)"), None, 2000)
    consent = BooleanField(
        validators=[DataRequired(message=_l("Votre accord est nécessaire pour que nous traitions votre demande."))]
    )
    # Spam protection: a field people never see, and the signed moment the form was shown.
    website = StringField(_l("Laissez ce champ vide"), validators=[Optional(), Length(max=200)])
    started = HiddenField()

    def set_retention(self, days: int) -> None:
        self.consent.label.text = _l(
            "J'accepte que les lieux de la Fabrique numérique de territoire traitent ces informations pour "
            "répondre à ma demande. Elles sont conservées %(days)d jours après le dernier échange, puis anonymisées.",
            days=days,
        )

    def validate_period_start(self, field) -> None:
        if field.data is None:
            return
        today = paris_today()
        if field.data < today:
            raise ValidationError(_l("La période ne peut pas commencer dans le passé."))
        if field.data > today + timedelta(days=MAX_LEAD_DAYS):
            raise ValidationError(_l("Indiquez une période dans les deux ans qui viennent."))

    def validate_period_end(self, field) -> None:
        start = self.period_start.data
        if field.data is None or start is None:
            return
        if field.data < start:
            raise ValidationError(_l("La fin de la période doit suivre son début."))
        if (field.data - start).days > MAX_PERIOD_DAYS:
            raise ValidationError(_l("Une période d'essai dure un an au plus."))


class MessageForm(Form):
    body = _long_text(_l("Votre message"), _l("Écrivez un message."), 5000)


class WithdrawForm(Form):
    reason = _long_text(_l("Pourquoi retirez-vous votre demande ? (facultatif)"))
    confirm = BooleanField(
        _l("Je retire ma demande"), validators=[DataRequired(message=_l("Cochez la case pour confirmer."))]
    )


class LostLinkForm(Form):
    email = _email_field()


class DeclineForm(Form):
    decline_note = _long_text(_l("Message au porteur de projet"), _l("Expliquez votre décision au porteur de projet."))


class RedirectForm(Form):
    venue = SelectField(_l("Lieu plus indiqué"), coerce=int, validate_choice=True)
    redirect_note = _long_text(
        _l("Note pour le porteur de projet et pour ce lieu"), _l("Expliquez pourquoi ce lieu est plus indiqué.")
    )


class AcceptForm(Form):
    """Acceptance; with a test space, its sessions (booked through the booking engine)."""

    test_space = SelectField(_l("Espace test proposé"), coerce=int, validate_choice=True)
    first_day = DateField(_l("Première séance le"), validators=[Optional()])
    session_start = TimeField(_l("De"), validators=[Optional()])
    session_end = TimeField(_l("À"), validators=[Optional()])
    frequency = SelectField(
        _l("Répétition"),
        choices=[
            SelectChoice(Frequency.WEEKLY.value, _l("Chaque semaine")),
            SelectChoice(Frequency.DAILY.value, _l("Chaque jour")),
        ],
        default=Frequency.WEEKLY.value,
    )
    last_day = DateField(_l("Dernière séance au plus tard le"), validators=[Optional()])
    accept_note = _long_text(_l("Message au porteur de projet (facultatif)"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.test_space.data:
            for field in (self.first_day, self.session_start, self.session_end, self.last_day):
                if field.data is None and not field.errors:
                    field.errors.append(_l("Indispensable pour réserver l'espace test."))
                    valid = False
        return valid


class InvitationForm(Form):
    name = _text(_l("Nom et prénom"), _l("Indiquez votre nom."), 120)
    phone = _text(_l("Téléphone (facultatif)"), None, 40)
    organisation = _text(_l("Structure"), _l("Indiquez la structure qui porte le projet."), 160)
    organisation_kind = SelectField(_l("Type de structure"), choices=ORGANISATION_KINDS)
    password = _password_field(_l("Mot de passe"))
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))],
    )


class RouteForm(Form):
    theme = SelectField(_l("Thématique"), coerce=int, validate_choice=True)
    support_kind = SelectField(
        _l("Accompagnement recherché"),
        choices=[SelectChoice("", _l("Tous"))]
        + [SelectChoice(kind.value, label) for kind, label in SUPPORT_LABELS.items()],
        default="",
    )
    venue = SelectField(_l("Lieu"), coerce=int, validate_choice=True)
