"""The billing world: the agreements' world (a lending venue, La Briqueterie, and a borrower), the
venue's billing identity, and paid bookings approved as the booking engine approves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.billing.models import BillingIdentity
from app.extensions import db
from app.models import Booking, Resource, User
from tests.factories.agreements import AgreementsWorld, make_booking, make_world


@dataclass
class BillingWorld:
    base: AgreementsWorld
    identity: BillingIdentity

    def __getattr__(self, name):
        return getattr(self.base, name)


def make_identity(venue, **fields) -> BillingIdentity:
    values = {
        "legal_name": "Association La Briqueterie",
        "street": "10 rue des Briques",
        "postal_code": "80080",
        "city": "Amiens",
        "siret": "73282932000074",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "payment_terms_days": 30,
        "legal_mentions": "Association loi 1901.",
    }
    values.update(fields)
    identity = BillingIdentity(venue_id=venue.id, **values)
    db.session.add(identity)
    db.session.flush()
    return identity


def make_billing_world(**identity) -> BillingWorld:
    base = make_world()
    return BillingWorld(base, make_identity(base.venue, **identity))


def paid_booking(
    resource: Resource, requester: User, starts_at: datetime, hours: float = 2, price_cents: int = 5000
) -> Booking:
    return make_booking(resource, requester, starts_at, hours, price_cents=price_cents)
