"""The administration forms. Fields that read euros, durations and opening hours keep what was typed
when it cannot be read, so that a form with an error comes back as the person filled it in."""

from __future__ import annotations

from datetime import datetime

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.clock import paris_end_of_day
from app.core.forms import Form, Subform
from app.core.i18n import current_language
from app.core.i18n import lazy_gettext as _l
from app.manage.parsing import (
    SLUG_PATTERN,
    ParseError,
    format_duration,
    format_euros,
    format_hours,
    paris_moment,
    parse_duration,
    parse_euros,
    parse_hours,
)
from app.manage.resources import RATES, ResourceData
from app.models import QUOTA_COLUMNS, ApprovalPolicy, Audience, ResourceKind, TariffAudience
from app.models.labels import AUDIENCE_LABELS, TARIFF_LABELS, WEEKDAY_LABELS

# --- Labels of the enumerations ------------------------------------------------------------------

KIND_CHOICES = [
    SelectChoice(ResourceKind.SPACE.value, _l("Espace (salle, atelier, parcelle, espace test)")),
    SelectChoice(ResourceKind.MACHINE.value, _l("Machine (découpeuse laser, imprimante 3D…)")),
    SelectChoice(ResourceKind.KIT.value, _l("Kit mobile (matériel prêté, en plusieurs unités)")),
]
OPEN_TO_CHOICES = [
    SelectChoice(Audience.CONSORTIUM.value, _l("Les membres du consortium seulement")),
    SelectChoice(Audience.PARTNER.value, _l("Le consortium et ses partenaires")),
    SelectChoice(Audience.NEWCOMER.value, _l("Le consortium, les partenaires et les porteurs de projet")),
    SelectChoice(Audience.EXTERNAL.value, _l("Tout le monde, extérieurs compris")),
]
APPROVAL_CHOICES = [
    SelectChoice(ApprovalPolicy.MANAGER.value, _l("Chaque demande attend la validation d'un·e gestionnaire")),
    SelectChoice(
        ApprovalPolicy.VENUE_MEMBERS.value, _l("Les membres du lieu sont acceptés d'office, les autres attendent")
    ),
    SelectChoice(ApprovalPolicy.CONSORTIUM.value, _l("Les membres du consortium sont acceptés d'office")),
]


def _decimal_separator() -> str:
    return "." if current_language() == "en" else ","


# --- Fields that parse -----------------------------------------------------------------------------


class _ParsedField(StringField):
    """A text input whose data is parsed; on error the typed text is shown again."""

    def parse(self, text: str):  # pragma: no cover - overridden
        raise NotImplementedError

    def display(self, value) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        try:
            self.data = self.parse(text)
        except ParseError as error:
            self.data = None
            raise ValueError(str(error)) from error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.display(self.data)


class EurosField(_ParsedField):
    """Euros with a comma or a dot; data in integer cents (None when empty)."""

    def parse(self, text):
        return parse_euros(text)

    def display(self, value):
        return format_euros(value, _decimal_separator())


class DurationField(_ParsedField):
    """A duration typed as "45 min", "1h30", "48h" or "2 j"; data in minutes (None when empty)."""

    def parse(self, text):
        return parse_duration(text)

    def display(self, value):
        return format_duration(value)


class HoursField(_ParsedField):
    """Opening intervals of one weekday, "9:00-12:00, 14:00-18:00"; data is a list of (opens, closes)."""

    def parse(self, text):
        return parse_hours(text)

    def display(self, value):
        return format_hours(value or [])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _required_duration(label):
    return DurationField(
        label,
        validators=[InputRequired(message=_l("Indiquez une durée."))],
    )


def _slug_field(label, max_length: int):
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=max_length),
            Regexp(SLUG_PATTERN, message=_l("Minuscules sans accent, chiffres et tirets seulement.")),
        ],
    )


class WeekHoursForm(Subform):
    """Seven weekday fields; all empty means closed every day (or, for a resource, the venue's hours)."""

    d0 = HoursField(WEEKDAY_LABELS[0])
    d1 = HoursField(WEEKDAY_LABELS[1])
    d2 = HoursField(WEEKDAY_LABELS[2])
    d3 = HoursField(WEEKDAY_LABELS[3])
    d4 = HoursField(WEEKDAY_LABELS[4])
    d5 = HoursField(WEEKDAY_LABELS[5])
    d6 = HoursField(WEEKDAY_LABELS[6])

    def by_weekday(self) -> dict[int, list]:
        return {day: self[f"d{day}"].data or [] for day in range(7)}

    @staticmethod
    def initial(hours: dict[int, list]) -> dict[str, list]:
        return {f"d{day}": hours.get(day, []) for day in range(7)}


class TariffForm(Subform):
    hour_cents = EurosField(_l("À l'heure (€)"))
    half_day_cents = EurosField(_l("La demi-journée (€)"))
    day_cents = EurosField(_l("La journée (€)"))


# --- Resources -------------------------------------------------------------------------------------


def _quota_field(label):
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=1, max=2000, message=_l("Entre 1 et 2 000 heures, ou laissez vide."))],
    )


class ResourceForm(Form):
    kind = SelectField(_l("Type de ressource"), choices=KIND_CHOICES, default=ResourceKind.SPACE.value)
    name = StringField(
        _l("Nom"), validators=[DataRequired(message=_l("Indiquez le nom de la ressource.")), Length(max=160)]
    )
    slug = _slug_field(_l("Identifiant dans l'adresse (facultatif)"), 80)
    short_description = StringField(_l("Résumé en une ligne"), validators=[Length(max=255)])
    description = TextAreaField(_l("Description"))
    documentation = TextAreaField(_l("Documentation et consignes (sécurité, mode d'emploi)"))
    capacity = IntegerField(
        _l("Capacité (personnes)"),
        validators=[Optional(), NumberRange(min=1, max=10000, message=_l("Entre 1 et 10 000 personnes."))],
    )
    is_test_space = BooleanField(_l("Espace test (proposé aux porteurs de projet)"))
    machine_type = StringField(_l("Type de machine"), validators=[Length(max=80)])
    requires_training = BooleanField(_l("Formation obligatoire avant de réserver"))
    units = IntegerField(
        _l("Nombre d'unités"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Entre 1 et 1 000 unités."))],
    )
    checklist = TextAreaField(_l("Contenu du kit (une ligne par élément)"))
    min_duration_minutes = _required_duration(_l("Durée minimale"))
    max_duration_minutes = DurationField(_l("Durée maximale (vide : sans limite)"))
    slot_minutes = _required_duration(_l("Pas de réservation"))
    notice_minutes = _required_duration(_l("Délai de prévenance"))
    horizon_days = IntegerField(
        _l("Réservable jusqu'à (jours à l'avance)"),
        validators=[
            InputRequired(message=_l("Indiquez un nombre de jours.")),
            NumberRange(min=1, max=1095, message=_l("Entre 1 et 1 095 jours.")),
        ],
    )
    buffer_minutes = _required_duration(_l("Battement entre deux réservations"))
    open_to = SelectField(_l("Qui peut réserver"), choices=OPEN_TO_CHOICES, default=Audience.CONSORTIUM.value)
    approval_policy = SelectField(
        _l("Validation des demandes"), choices=APPROVAL_CHOICES, default=ApprovalPolicy.MANAGER.value
    )
    tariff_consortium = FormField(TariffForm)
    tariff_partner = FormField(TariffForm)
    tariff_external = FormField(TariffForm)
    tariff_project_holder = FormField(TariffForm)
    deposit_cents = EurosField(_l("Caution (€)"))
    hours = FormField(WeekHoursForm)
    quota_member_week = _quota_field(_l("Heures par membre et par semaine"))
    quota_member_month = _quota_field(_l("Heures par membre et par mois"))
    quota_organisation_week = _quota_field(_l("Heures par structure et par semaine"))
    quota_organisation_month = _quota_field(_l("Heures par structure et par mois"))

    DURATION_LIMITS = {
        "min_duration_minutes": (0, 60 * 24 * 31),
        "max_duration_minutes": (1, 60 * 24 * 31),
        "slot_minutes": (5, 60 * 24),
        "notice_minutes": (0, 60 * 24 * 365),
        "buffer_minutes": (0, 60 * 24),
    }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, (low, high) in self.DURATION_LIMITS.items():
            field = self[name]
            if field.data is not None and not low <= field.data <= high:
                field.errors.append(
                    _l("Entre %(low)s et %(high)s.", low=format_duration(low), high=format_duration(high))
                )
                valid = False
        return valid

    def quota_fields(self):
        return [self[column] for column in QUOTA_COLUMNS.values()]

    def tariff_fields(self):
        return [(TARIFF_LABELS[audience], self[f"tariff_{audience.value}"]) for audience in TariffAudience]

    def to_data(self, kind: ResourceKind | None = None) -> ResourceData:
        kind = kind or ResourceKind(self.kind.data)
        units = self.units.data
        return ResourceData(
            kind=kind,
            name=self.name.data or "",
            slug=self.slug.data or "",
            short_description=self.short_description.data or "",
            description=self.description.data or "",
            documentation=self.documentation.data or "",
            capacity=self.capacity.data,
            units=units if units is not None else (0 if kind == ResourceKind.KIT else 1),
            checklist=self.checklist.data or "",
            machine_type=self.machine_type.data or "",
            requires_training=bool(self.requires_training.data),
            min_duration_minutes=self.min_duration_minutes.data,
            max_duration_minutes=self.max_duration_minutes.data,
            slot_minutes=self.slot_minutes.data,
            notice_minutes=self.notice_minutes.data,
            horizon_days=self.horizon_days.data,
            buffer_minutes=self.buffer_minutes.data,
            open_to=Audience(self.open_to.data),
            approval_policy=ApprovalPolicy(self.approval_policy.data),
            deposit_cents=self.deposit_cents.data or 0,
            is_test_space=bool(self.is_test_space.data),
            tariffs={
                audience: {rate: self[f"tariff_{audience.value}"][rate].data for rate in RATES}
                for audience in TariffAudience
            },
            opening_hours=self.hours.form.by_weekday(),
            **{column: self[column].data for column in QUOTA_COLUMNS.values()},
        )

    @classmethod
    def initial(cls, resource=None, own_hours: dict | None = None) -> dict:
        """The values a blank or an edit form starts with."""
        if resource is None:
            defaults = ResourceData(kind=ResourceKind.SPACE, name="")
            return {
                name: getattr(defaults, name)
                for name in (
                    "min_duration_minutes",
                    "max_duration_minutes",
                    "slot_minutes",
                    "notice_minutes",
                    "horizon_days",
                    "buffer_minutes",
                )
            } | {"units": 1}
        data = {name: getattr(resource, name) for name in cls._fields_from_model()}
        data["kind"] = resource.kind.value
        data["open_to"] = resource.open_to.value
        data["approval_policy"] = resource.approval_policy.value
        for audience in TariffAudience:
            tariff = resource.tariff_for(audience)
            data[f"tariff_{audience.value}"] = {rate: getattr(tariff, rate) if tariff else None for rate in RATES}
        data["hours"] = WeekHoursForm.initial(own_hours or {})
        return data

    @staticmethod
    def _fields_from_model():
        return (
            "name",
            "slug",
            "short_description",
            "description",
            "documentation",
            "capacity",
            "is_test_space",
            "machine_type",
            "requires_training",
            "units",
            "checklist",
            "min_duration_minutes",
            "max_duration_minutes",
            "slot_minutes",
            "notice_minutes",
            "horizon_days",
            "buffer_minutes",
            "deposit_cents",
            *QUOTA_COLUMNS.values(),
        )


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG ou WebP)"))
    alt_text = StringField(
        _l("Description de la photo"),
        validators=[
            DataRequired(
                message=_l("Décrivez la photo en quelques mots : ce texte est lu aux personnes qui ne la voient pas.")
            ),
            Length(max=255),
        ],
    )


class ListFilterForm(Form):
    """Filters of a list page, sent by GET (no CSRF: they change nothing)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Rechercher"), validators=[Optional(), Length(max=100)])


class ResourceFilterForm(ListFilterForm):
    state = SelectField(
        _l("Afficher"),
        choices=[
            SelectChoice("active", _l("Les ressources en service")),
            SelectChoice("retired", _l("Les ressources retirées")),
            SelectChoice("all", _l("Toutes les ressources")),
        ],
        default="active",
    )


# --- Closures --------------------------------------------------------------------------------------


class ClosureForm(Form):
    starts_on = DateField(_l("Premier jour"), validators=[InputRequired(message=_l("Indiquez le premier jour."))])
    starts_time = TimeField(_l("À partir de (heure, facultatif)"), validators=[Optional()])
    ends_on = DateField(_l("Dernier jour"), validators=[InputRequired(message=_l("Indiquez le dernier jour."))])
    ends_time = TimeField(_l("Jusqu'à (heure, facultatif)"), validators=[Optional()])
    reason = StringField(
        _l("Motif"), validators=[DataRequired(message=_l("Indiquez le motif de la fermeture.")), Length(max=255)]
    )

    def period(self) -> tuple[datetime, datetime]:
        """The Paris days and times as UTC moments; with no end time, the last day is included whole."""
        starts_at = paris_moment(self.starts_on.data, self.starts_time.data)
        if self.ends_time.data is not None:
            return starts_at, paris_moment(self.ends_on.data, self.ends_time.data)
        return starts_at, paris_end_of_day(self.ends_on.data)


class OutageForm(ClosureForm):
    """A machine or a kit out of service: the period of a closure, and why."""

    reason = StringField(
        _l("Motif"),
        validators=[DataRequired(message=_l("Indiquez le motif : maintenance, panne…")), Length(max=255)],
    )


class HitForm(Form):
    """The choice for one booking a closure or an outage hits: the reason goes to the member."""

    reason = TextAreaField(_l("Motif pour la personne (obligatoire pour annuler)"), validators=[Length(max=1000)])


class ConsortiumClosureForm(ClosureForm):
    venue_ids = MultiCheckboxField(_l("Lieux concernés"), coerce=int)


# --- Qualifications and members --------------------------------------------------------------------


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _user_email_field(label):
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Indiquez l'adresse e-mail de la personne.")),
            Email(message=_l("Cette adresse e-mail n'est pas valide."), check_deliverability=False),
            Length(max=255),
        ],
    )


class QualificationForm(Form):
    email = _user_email_field(_l("Adresse e-mail du membre"))
    resource_id = SelectField(_l("Machine"), coerce=int, validate_choice=False)
    expires_on = DateField(_l("Valable jusqu'au (inclus, facultatif)"), validators=[Optional()])
    recognised_consortium_wide = BooleanField(_l("Reconnue pour toutes les machines du même type dans le consortium"))
    note = StringField(_l("Note (formation suivie, formateur…)"), validators=[Length(max=255)])


class MemberForm(Form):
    email = _user_email_field(_l("Adresse e-mail du membre à ajouter"))


# --- Coordination ----------------------------------------------------------------------------------


class VenueForm(Form):
    name = StringField(_l("Nom"), validators=[DataRequired(message=_l("Indiquez le nom du lieu.")), Length(max=120)])
    slug = _slug_field(_l("Identifiant dans l'adresse (facultatif)"), 60)
    short_description = StringField(_l("Résumé en une ligne"), validators=[Length(max=255)])
    description = TextAreaField(_l("Présentation"))
    street = StringField(_l("Adresse (numéro et rue)"), validators=[Length(max=255)])
    postal_code = StringField(_l("Code postal"), validators=[Length(max=10)])
    city = StringField(_l("Commune"), validators=[Length(max=120)])
    email = EmailField(
        _l("E-mail de contact"),
        validators=[
            Optional(),
            Email(message=_l("Cette adresse e-mail n'est pas valide."), check_deliverability=False),
            Length(max=255),
        ],
    )
    phone = StringField(_l("Téléphone"), validators=[Length(max=40)])
    website = StringField(_l("Site web"), validators=[Length(max=255)])
    representative_name = StringField(
        _l("Représentant·e légal·e (signe les conventions)"), validators=[Length(max=120)]
    )
    representative_role = StringField(_l("Fonction du ou de la représentant·e"), validators=[Length(max=120)])
    theme_ids = MultiCheckboxField(_l("Thématiques"), coerce=int)
    is_lead = BooleanField(_l("Lieu porteur du consortium"))
    is_active = BooleanField(_l("Lieu actif (visible dans le catalogue)"), default=True)
    hours = FormField(WeekHoursForm)


class ManagerForm(Form):
    email = _user_email_field(_l("Adresse e-mail de la personne"))
    venue_id = SelectField(_l("Lieu"), coerce=int, validate_choice=False)


class ThemeForm(Form):
    name_fr = StringField(
        _l("Nom en français"), validators=[DataRequired(message=_l("Indiquez le nom en français.")), Length(max=120)]
    )
    name_en = StringField(
        _l("Nom en anglais"), validators=[DataRequired(message=_l("Indiquez le nom en anglais.")), Length(max=120)]
    )
    slug = _slug_field(_l("Identifiant (facultatif)"), 60)
    position = IntegerField(
        _l("Ordre d'affichage"),
        default=0,
        validators=[
            InputRequired(message=_l("Indiquez un nombre.")),
            NumberRange(min=0, max=999, message=_l("Entre 0 et 999.")),
        ],
    )


class AudienceForm(Form):
    audience = SelectField(
        _l("Public"),
        choices=[SelectChoice(audience.value, label) for audience, label in AUDIENCE_LABELS.items()],
    )


def choices(pairs) -> list[SelectChoice]:
    """``[(id, label), …]`` → the choices of a select or checkbox list."""
    return [SelectChoice(value, label) for value, label in pairs]


class VenueColourForm(Form):
    """A venue's colour: one of the six (app.core.colours) or one of its own, written #rrggbb, whose
    contrast is checked against both schemes' backgrounds and for text set on it (app.core.contrast)."""

    choice = RadioField(_l("Couleur du lieu"), validators=[InputRequired(message=_l("Choisissez une couleur."))])
    custom = StringField(_l("Autre couleur, en hexadécimal (par exemple #c0392b)"), validators=[Length(max=7)])

    def __init__(self, *args, **kwargs):
        from app.core.colours import VENUE_COLOURS
        from app.models.labels import VENUE_COLOUR_LABELS

        super().__init__(*args, **kwargs)
        self.choice.choices = [(name, VENUE_COLOUR_LABELS[name]) for name in VENUE_COLOURS] + [
            ("custom", _l("Une autre couleur"))
        ]

    def validate_custom(self, field) -> None:
        from wtforms.validators import ValidationError

        from app.core.contrast import MARK, TEXT, check_venue_colour, normalised
        from app.manage.display import ratio

        if self.choice.data != "custom":
            return
        colour = normalised(field.data)
        if colour is None:
            raise ValidationError(_l("Écrivez la couleur en hexadécimal, par exemple #c0392b."))
        field.data = colour
        check = check_venue_colour(colour)

        if not check.marks_ok:
            raise ValidationError(
                _l(
                    "Cette couleur ne ressort pas assez : %(light)s:1 sur le fond clair, %(dark)s:1 sur le fond "
                    "sombre ; il faut au moins %(least)s:1 sur les deux (choisissez une teinte moyenne).",
                    light=ratio(check.on_light),
                    dark=ratio(check.on_dark),
                    least=ratio(MARK),
                )
            )
        if not check.text_ok:
            raise ValidationError(
                _l(
                    "Un texte posé sur cette couleur serait trop peu lisible : %(ratio)s:1 au mieux ; il faut "
                    "au moins %(least)s:1.",
                    ratio=ratio(check.text),
                    least=ratio(TEXT),
                )
            )
