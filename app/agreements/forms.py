"""Forms of the agreements: signing (acceptance, countersignature) and public verification."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.agreements.verification import normalise_number, normalise_sha256
from app.core.forms import Form
from app.core.i18n import lazy_gettext as _l

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class AcceptForm(Form):
    acknowledged = BooleanField(
        _l("J'ai lu la convention et j'en accepte les conditions."),
        validators=[DataRequired(message=_l("Cochez la case pour confirmer que vous avez lu la convention."))],
    )
    full_name = StringField(
        _l("Votre nom complet"),
        validators=[
            DataRequired(message=_l("Saisissez votre nom complet.")),
            Length(min=2, max=160, message=_l("Saisissez votre nom complet (160 caractères au plus).")),
        ],
    )
    # The SHA-256 of the file shown with the form: what is accepted is exactly what was read.
    document = HiddenField()


class CountersignForm(AcceptForm):
    acknowledged = BooleanField(
        _l("J'ai lu la convention acceptée et je la contresigne pour le lieu."),
        validators=[DataRequired(message=_l("Cochez la case pour confirmer que vous avez lu la convention."))],
    )


class VerifyForm(Form):
    """Number and fingerprint, sent by GET (a public look-up that changes nothing)."""

    class Meta:
        csrf = False

    numero = StringField(
        _l("Numéro de la convention"),
        validators=[DataRequired(message=_l("Saisissez le numéro, par exemple FNT-2026-0042."))],
    )
    empreinte = StringField(
        _l("Empreinte SHA-256 du fichier"),
        validators=[DataRequired(message=_l("Saisissez l'empreinte SHA-256 du fichier (64 caractères)."))],
    )

    def validate_numero(self, field):
        if field.data and normalise_number(field.data) is None:
            raise ValidationError(_l("Ce numéro n'a pas la forme FNT-2026-0042."))

    def validate_empreinte(self, field):
        if field.data and normalise_sha256(field.data) is None:
            raise ValidationError(_l("Une empreinte SHA-256 compte 64 caractères de 0 à 9 et de a à f."))


class UploadForm(Form):
    document = FileField(
        _l("Fichier PDF de la convention"),
        validators=[
            FileRequired(message=_l("Choisissez le fichier PDF à vérifier.")),
            FileSize(MAX_UPLOAD_BYTES, message=_l("Le fichier dépasse 20 Mo : ce n'est pas une convention.")),
        ],
    )
