"""The members' booking forms: book (once or as a series), edit, cancel, join a waitlist.

Times are typed as Europe/Paris wall-clock times (``datetime-local`` inputs) and turned
into aware UTC moments here; the rules themselves stay in the engine.
"""

from __future__ import annotations

from datetime import datetime

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.bookings.series import Frequency, Repetition
from app.core.clock import paris_to_utc, to_paris
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l

FORMAT = "%Y-%m-%dT%H:%M"
NO_REPEAT = "none"
REPEAT_CHOICES = [
    SelectChoice(NO_REPEAT, _l("Une seule fois")),
    SelectChoice(Frequency.DAILY.value, _l("Tous les jours (ou tous les n jours)")),
    SelectChoice(Frequency.WEEKLY.value, _l("Toutes les semaines (ou toutes les n semaines)")),
]


def paris_input(moment: datetime | None) -> str:
    """An aware moment as the value of a ``datetime-local`` input, in Paris time."""
    return "" if moment is None else to_paris(moment).strftime(FORMAT)


def utc_of(value: datetime | None) -> datetime | None:
    return None if value is None else paris_to_utc(value.date(), value.time())


class PeriodFields:
    """Start and end, as Paris wall-clock times."""

    starts_at = DateTimeLocalField(
        _l("Début"),
        format=FORMAT,
        validators=[InputRequired(message=_l("Indiquez le début (date et heure)."))],
    )
    ends_at = DateTimeLocalField(
        _l("Fin"),
        format=FORMAT,
        validators=[InputRequired(message=_l("Indiquez la fin (date et heure)."))],
    )

    def period(self) -> tuple[datetime | None, datetime | None]:
        return utc_of(self.starts_at.data), utc_of(self.ends_at.data)


class BookingForm(PeriodFields, Form):
    """A booking request; the fields that do not apply to the resource's kind are removed by the view."""

    quantity = IntegerField(
        _l("Nombre d'unités"),
        default=1,
        validators=[InputRequired(message=_l("Indiquez un nombre d'unités.")), NumberRange(min=1, max=999)],
    )
    attendees = IntegerField(
        _l("Nombre de personnes (facultatif)"), validators=[Optional(), NumberRange(min=1, max=9999)]
    )
    purpose = TextAreaField(_l("Objet de la réservation"), validators=[Optional(), Length(max=2000)])
    repeat = RadioField(_l("Répéter"), choices=REPEAT_CHOICES, default=NO_REPEAT)
    interval = IntegerField(
        _l("Intervalle (tous les n jours ou n semaines)"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=52)],
    )
    until = DateField(_l("Jusqu'au (inclus)"), validators=[Optional()])
    count = IntegerField(_l("Ou nombre d'occurrences"), validators=[Optional(), NumberRange(min=1, max=104)])
    only_free = BooleanField(_l("Réserver les occurrences libres même si d'autres sont indisponibles"), default=True)

    def is_series(self) -> bool:
        return self.repeat.data in (Frequency.DAILY.value, Frequency.WEEKLY.value)

    def repetition(self) -> Repetition | None:
        if not self.is_series():
            return None
        return Repetition(
            Frequency(self.repeat.data),
            interval=self.interval.data or 1,
            until=self.until.data,
            count=None if self.until.data else (self.count.data or None),
        )

    def amounts(self) -> tuple[int, int | None]:
        quantity = self.quantity.data if "quantity" in self and self.quantity.data else 1
        attendees = self.attendees.data if "attendees" in self else None
        return quantity, attendees


class EditForm(PeriodFields, Form):
    quantity = IntegerField(
        _l("Nombre d'unités"),
        validators=[InputRequired(message=_l("Indiquez un nombre d'unités.")), NumberRange(min=1, max=999)],
    )
    attendees = IntegerField(
        _l("Nombre de personnes (facultatif)"), validators=[Optional(), NumberRange(min=1, max=9999)]
    )
    purpose = TextAreaField(_l("Objet de la réservation"), validators=[Optional(), Length(max=2000)])
    reason = StringField(_l("Motif de la modification (facultatif)"), validators=[Optional(), Length(max=500)])


class CancelForm(Form):
    reason = TextAreaField(_l("Motif de l'annulation"), validators=[Optional(), Length(max=1000)])


class WaitlistForm(PeriodFields, Form):
    quantity = IntegerField(_l("Nombre d'unités"), default=1, validators=[Optional(), NumberRange(min=1, max=999)])
