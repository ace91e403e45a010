"""Online payment providers behind one small interface, so that another (HelloAsso, say:
``docs/payments.md``) can be added without touching the rest of billing.

A provider creates a payment intent for an amount we give it (always from our database), tells
what became of one, refunds one (all or part), and checks and reads its webhooks. The rules that
use it (``app.billing.online``) only see the plain values below.

:func:`configured` returns the provider the settings enable, or None: without its keys online
payment is off, and offline payment still works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app


class ProviderError(RuntimeError):
    """The provider refused a request or could not be reached."""


class WebhookRefused(ValueError):
    """A webhook whose signature (or age) does not check out: nothing is applied."""


@dataclass(frozen=True)
class Intent:
    id: str
    amount_cents: int
    currency: str
    status: str  # the provider's word; :attr:`succeeded` says whether the money is taken
    client_secret: str = ""
    metadata: dict = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def canceled(self) -> bool:
        return self.status == "canceled"


@dataclass(frozen=True)
class RefundResult:
    id: str
    amount_cents: int
    status: str

    @property
    def succeeded(self) -> bool:
        return self.status in ("succeeded", "pending")


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    intent: Intent | None  # the payment intent the event is about, when it is about one


class PaymentProvider(Protocol):
    name: str

    def create_intent(self, amount_cents: int, currency: str, metadata: dict[str, str], idempotency_key: str) -> Intent:
        """A new intent for exactly this amount."""
        ...

    def retrieve(self, intent_id: str) -> Intent: ...

    def cancel(self, intent_id: str) -> Intent: ...

    def refund(self, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult: ...

    def parse_webhook(self, payload: bytes, headers: dict[str, str]) -> WebhookEvent:
        """The event, once its signature is checked (raises :class:`WebhookRefused`)."""
        ...

    def browser_settings(self) -> dict[str, str]:
        """What the payment page needs: the public key, the script's address, the CSP to open."""
        ...


def configured() -> PaymentProvider | None:
    """The provider the settings enable, or None (online payment off)."""
    config = current_app.config
    if config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_PUBLISHABLE_KEY") and config.get("STRIPE_WEBHOOK_SECRET"):
        from app.billing.providers.stripe import StripeProvider

        return StripeProvider.from_config(config)
    return None


def by_name(name: str) -> PaymentProvider | None:
    provider = configured()
    return provider if provider is not None and provider.name == name else None
