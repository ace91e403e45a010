"""Stripe, through its ``stripe`` package: PaymentIntents (card, by the Payment Element of
Stripe.js, so that the card number never reaches our server), refunds, signed webhooks.

``STRIPE_API_BASE`` and ``STRIPE_JS_URL`` point the API and the script at another server: the tests
use ``localstripe`` on loopback. The webhook's signature is checked by the package; its age against
the project's clock (``STRIPE_WEBHOOK_TOLERANCE`` seconds, 0: unchecked, the events being applied
once anyway).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import stripe

from app.billing.providers import Intent, ProviderError, RefundResult, WebhookEvent, WebhookRefused
from app.core.clock import utcnow

INTENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.processing",
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _plain(obj: Any) -> Mapping[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _intent(obj: Any) -> Intent:
    data = _plain(obj)
    return Intent(
        id=data["id"],
        amount_cents=int(data["amount"]),
        currency=str(data.get("currency") or "eur"),
        status=str(data.get("status") or ""),
        client_secret=str(data.get("client_secret") or ""),
        metadata=dict(data.get("metadata") or {}),
    )


@dataclass
class StripeProvider:
    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str = "https://api.stripe.com"
    js_url: str = "https://js.stripe.com/v3/"
    tolerance: int = 300
    name: str = "stripe"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StripeProvider:
        return cls(
            secret_key=config["STRIPE_SECRET_KEY"],
            publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
            webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
            api_base=config.get("STRIPE_API_BASE") or "https://api.stripe.com",
            js_url=config.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/",
            tolerance=int(config.get("STRIPE_WEBHOOK_TOLERANCE", 300)),
        )

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(self.secret_key, base_addresses={"api": self.api_base}, max_network_retries=2)

    def create_intent(self, amount_cents: int, currency: str, metadata: dict[str, str], idempotency_key: str) -> Intent:
        try:
            intent = self._client().v1.payment_intents.create(
                {"amount": amount_cents, "currency": currency, "metadata": metadata, "payment_method_types": ["card"]},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        return _intent(intent)

    def retrieve(self, intent_id: str) -> Intent:
        try:
            return _intent(self._client().v1.payment_intents.retrieve(intent_id))
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error

    def cancel(self, intent_id: str) -> Intent:
        try:
            return _intent(self._client().v1.payment_intents.cancel(intent_id))
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error

    def refund(self, intent_id: str, amount_cents: int, idempotency_key: str) -> RefundResult:
        try:
            refund = self._client().v1.refunds.create(
                {"payment_intent": intent_id, "amount": amount_cents}, {"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        data = _plain(refund)
        return RefundResult(id=data["id"], amount_cents=int(data["amount"]), status=str(data["status"]))

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        header = headers.get("Stripe-Signature")
        try:
            stripe.WebhookSignature.verify_header(payload.decode("utf-8"), header, self.webhook_secret, tolerance=None)
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
            raise WebhookRefused(str(error)) from error
        if self.tolerance:
            stamp = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part).get("t", "0")
            if not stamp.isdigit() or abs(utcnow().timestamp() - int(stamp)) > self.tolerance:
                raise WebhookRefused("the signature's timestamp is outside the tolerance")
        try:
            data = json.loads(payload)
            event_id, event_type = str(data["id"]), str(data["type"])
            obj = data.get("data", {}).get("object", {})
        except (ValueError, KeyError, AttributeError) as error:
            raise WebhookRefused(f"not an event: {error}") from error
        about_intent = event_type in INTENT_EVENTS and obj.get("object") == "payment_intent"
        intent = _intent(obj) if about_intent and "id" in obj and "amount" in obj else None
        return WebhookEvent(id=event_id, type=event_type, intent=intent)

    def browser_settings(self) -> dict[str, str]:
        """What the payment page loads, and the origins its CSP opens: Stripe.js frames its fields
        from its own origins (and 3-D Secure from hooks.stripe.com) and talks to the API."""
        script, api = _origin(self.js_url), _origin(self.api_base)
        scripts = [script]
        frames = [script]
        if script == "https://js.stripe.com":
            scripts.append("https://*.js.stripe.com")
            frames += ["https://*.js.stripe.com", "https://hooks.stripe.com"]
        return {
            "publishable_key": self.publishable_key,
            "js_url": self.js_url,
            "script_src": " ".join(scripts),
            "frame_src": " ".join(frames),
            "connect_src": " ".join(dict.fromkeys([api, script])),
        }
