"""Forms of billing: the venue's identity, a payment recorded by a manager, the invoices' filters."""

from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.billing.models import EXEMPTION_WORDING
from app.bookings.forms import PeriodFields
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l


class IdentityForm(Form):
    legal_name = StringField(
        _l("Raison sociale"),
        validators=[DataRequired(message=_l("Indiquez la raison sociale du lieu.")), Length(max=160)],
    )
    street = StringField(_l("Adresse"), validators=[DataRequired(message=_l("Indiquez l'adresse.")), Length(max=255)])
    postal_code = StringField(
        _l("Code postal"), validators=[DataRequired(message=_l("Indiquez le code postal.")), Length(max=10)]
    )
    city = StringField(_l("Ville"), validators=[DataRequired(message=_l("Indiquez la ville.")), Length(max=120)])
    siret = StringField(_l("SIRET"), validators=[DataRequired(message=_l("Indiquez le numéro SIRET.")), Length(max=20)])
    vat_exempt = BooleanField(_l("Non assujetti à la TVA (franchise en base)"), default=True)
    vat_number = StringField(_l("Numéro de TVA intracommunautaire"), validators=[Length(max=20)])
    vat_rate = DecimalField(
        _l("Taux de TVA (%)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=100, message=_l("Un taux entre 0 et 100 pour cent."))],
    )
    exemption_wording = StringField(
        _l("Mention d'exonération"), default=EXEMPTION_WORDING, validators=[Length(max=255)]
    )
    iban = StringField(_l("IBAN"), validators=[Length(max=42)])
    bic = StringField(_l("BIC"), validators=[Length(max=11)])
    payment_terms_days = IntegerField(
        _l("Délai de paiement (jours)"),
        default=30,
        validators=[
            InputRequired(message=_l("Indiquez le délai de paiement.")),
            NumberRange(min=0, max=60, message=_l("Entre 0 et 60 jours (la loi plafonne le délai à 60 jours).")),
        ],
    )
    legal_mentions = TextAreaField(_l("Mentions légales"), validators=[Length(max=2000)])
    invoicing = SelectField(
        _l("Moment de la facturation"),
        choices=[
            SelectChoice("at_approval", _l("À l'acceptation de la réservation")),
            SelectChoice("after_booking", _l("Après la réservation (une fois le créneau passé)")),
            SelectChoice("monthly", _l("Chaque mois, une facture par organisation")),
        ],
        default="at_approval",  # an unknown value is refused by the choices themselves
    )

    def rate_basis_points(self) -> int:
        return int((self.vat_rate.data or Decimal(0)) * 100)


class PaymentForm(Form):
    method = SelectField(_l("Moyen de paiement"), validators=[DataRequired()])
    amount = DecimalField(
        _l("Montant (€)"),
        places=2,
        validators=[
            InputRequired(message=_l("Indiquez le montant reçu.")),
            NumberRange(min=Decimal("0.01"), message=_l("Un montant positif.")),
        ],
    )
    received_on = DateField(_l("Reçu le"), validators=[InputRequired(message=_l("Indiquez la date de réception."))])
    reference = StringField(_l("Référence (chèque, virement)"), validators=[Length(max=120)])

    def amount_cents(self) -> int:
        return int((self.amount.data * 100).to_integral_value())


class InvoiceFilterForm(Form):
    class Meta:
        csrf = False

    state = SelectField(_l("État"), validators=[Optional()])


class QuoteForm(PeriodFields, Form):
    """A quote asked for a slot of a resource (Paris wall-clock times)."""

    quantity = IntegerField(
        _l("Nombre d'unités"),
        default=1,
        validators=[InputRequired(message=_l("Indiquez un nombre d'unités.")), NumberRange(min=1, max=999)],
    )
