"""A venue's billing identity: checked, then saved with its audit trail. No request here.

The SIRET (14 digits, Luhn key), the intra-community VAT number, the IBAN and the BIC are checked
with python-stdnum; a venue subject to VAT gives its number and rate, an exempt one its wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as stdnum_vat
from stdnum.fr import siret as stdnum_siret

from app.billing.models import EXEMPTION_WORDING, BillingIdentity, InvoicingSchedule
from app.core.i18n import lazy_gettext as _l
from app.core.refusals import Reason, Refusal
from app.extensions import db
from app.manage.audit import changes, record
from app.models import User, Venue


class InvalidIdentity(Refusal):
    code = "invalid_identity"


@dataclass
class IdentityValues:
    legal_name: str
    street: str
    postal_code: str
    city: str
    siret: str
    vat_exempt: bool
    vat_number: str
    vat_rate_basis_points: int
    exemption_wording: str
    iban: str
    bic: str
    payment_terms_days: int
    legal_mentions: str
    invoicing: InvoicingSchedule = InvoicingSchedule.AT_APPROVAL


def clean(values: IdentityValues) -> IdentityValues:
    """The values in their stored form (numbers compacted), or ``InvalidIdentity`` naming each bad field."""
    reasons = []
    siret = stdnum_siret.compact(values.siret)
    if not stdnum_siret.is_valid(siret):
        reasons.append(Reason("siret", _l("Ce numéro SIRET n'est pas valable (14 chiffres)."), "siret"))
    vat_number = stdnum_vat.compact(values.vat_number) if values.vat_number.strip() else ""
    if vat_number and not stdnum_vat.is_valid(vat_number):
        reasons.append(Reason("vat_number", _l("Ce numéro de TVA intracommunautaire n'est pas valable."), "vat_number"))
    if not values.vat_exempt:
        if not vat_number:
            reasons.append(
                Reason("vat_number", _l("Un lieu assujetti à la TVA indique son numéro de TVA."), "vat_number")
            )
        if values.vat_rate_basis_points <= 0:
            reasons.append(Reason("vat_rate", _l("Indiquez le taux de TVA appliqué."), "vat_rate"))
    wording = values.exemption_wording.strip() or EXEMPTION_WORDING
    iban = stdnum_iban.compact(values.iban) if values.iban.strip() else ""
    if iban and not stdnum_iban.is_valid(iban):
        reasons.append(Reason("iban", _l("Cet IBAN n'est pas valable."), "iban"))
    bic = stdnum_bic.compact(values.bic) if values.bic.strip() else ""
    if bic and not stdnum_bic.is_valid(bic):
        reasons.append(Reason("bic", _l("Ce BIC n'est pas valable."), "bic"))
    if iban and not bic:
        reasons.append(Reason("bic", _l("Indiquez le BIC de ce compte."), "bic"))
    if reasons:
        raise InvalidIdentity(reasons)
    return IdentityValues(
        legal_name=values.legal_name.strip(),
        street=values.street.strip(),
        postal_code=values.postal_code.strip(),
        city=values.city.strip(),
        siret=siret,
        vat_exempt=values.vat_exempt,
        vat_number=vat_number,
        vat_rate_basis_points=0 if values.vat_exempt else values.vat_rate_basis_points,
        exemption_wording=wording,
        iban=iban,
        bic=bic,
        payment_terms_days=values.payment_terms_days,
        legal_mentions=values.legal_mentions.strip(),
        invoicing=InvoicingSchedule(values.invoicing),
    )


def save(venue: Venue, values: IdentityValues, actor: User) -> BillingIdentity:
    """Create or change the venue's identity (checked first: nothing is written on a refusal)."""
    cleaned = clean(values)
    identity = db.session.get(BillingIdentity, venue.id)
    created = identity is None
    if identity is None:
        identity = BillingIdentity(venue_id=venue.id, **vars(cleaned))
        db.session.add(identity)
        changed = {name: [None, value] for name, value in vars(cleaned).items()}
    else:
        changed = changes(identity, vars(cleaned))
    db.session.flush()
    if changed:
        record(actor, "billing_identity", venue.id, "created" if created else "updated", **changed)
    return identity
