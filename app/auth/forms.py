"""Account forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.passwords import MIN_PASSWORD_LENGTH, weakness
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l
from app.models import OrganisationKind

ORGANISATION_KINDS = [
    SelectChoice(OrganisationKind.ASSOCIATION.value, _l("Association")),
    SelectChoice(OrganisationKind.COLLECTIVE.value, _l("Collectif")),
    SelectChoice(OrganisationKind.COMPANY.value, _l("Entreprise")),
    SelectChoice(OrganisationKind.PUBLIC_BODY.value, _l("Collectivité ou établissement public")),
    SelectChoice(OrganisationKind.INDIVIDUAL.value, _l("À titre individuel")),
]


WEAKNESS_MESSAGES = {
    "identity": _l("Ne reprenez pas votre adresse e-mail ni votre nom dans le mot de passe."),
    "guessable": _l(
        "Ce mot de passe est trop facile à deviner (mot de passe courant, suite ou répétition) : "
        "choisissez-en un plus long, par exemple plusieurs mots sans rapport entre eux."
    ),
}


def hard_to_guess(form, field) -> None:
    """A new password that is not common, not a sequence, and not made of the account's email or
    name (the form's ``email`` and ``name`` fields, or ``form.identity`` set by the view)."""
    identity = [*getattr(form, "identity", ())]
    identity += [form[name].data for name in ("email", "name") if name in form and isinstance(form[name].data, str)]
    problem = weakness(field.data or "", identity)
    if problem is not None:
        raise ValidationError(WEAKNESS_MESSAGES[problem])


def _password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Choisissez un mot de passe.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l("Le mot de passe doit compter au moins %(min)d caractères.", min=MIN_PASSWORD_LENGTH),
            ),
            hard_to_guess,
        ],
    )


def _email_field():
    return EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(message=_l("Indiquez votre adresse e-mail.")),
            Email(message=_l("Cette adresse e-mail n'est pas valide."), check_deliverability=False),
            Length(max=255),
        ],
    )


class SignupForm(Form):
    name = StringField(
        _l("Nom et prénom"),
        validators=[DataRequired(message=_l("Indiquez votre nom.")), Length(max=120)],
    )
    email = _email_field()
    organisation = StringField(
        _l("Structure (association, collectif, entreprise…)"),
        validators=[DataRequired(message=_l("Indiquez la structure pour laquelle vous réservez.")), Length(max=160)],
    )
    organisation_kind = SelectField(_l("Type de structure"), choices=ORGANISATION_KINDS)
    password = _password_field(_l("Mot de passe"))
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))],
    )


class LoginForm(Form):
    email = _email_field()
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(message=_l("Indiquez votre mot de passe."))])
    remember = BooleanField(_l("Se souvenir de moi"))
    next = HiddenField()


class ResetRequestForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password = _password_field(_l("Nouveau mot de passe"))
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))],
    )


class ProfileForm(Form):
    name = StringField(
        _l("Nom et prénom"),
        validators=[DataRequired(message=_l("Indiquez votre nom.")), Length(max=120)],
    )
    phone = StringField(_l("Téléphone"), validators=[Length(max=40)])
    locale = SelectField(
        _l("Langue de l'interface et des e-mails"),
        choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")],
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Mot de passe actuel"), validators=[DataRequired(message=_l("Indiquez votre mot de passe actuel."))]
    )
    password = _password_field(_l("Nouveau mot de passe"))
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))],
    )
