"""`PaymentProvider` on Stripe: Checkout Sessions, the Customer Portal, subscriptions, refunds, signed webhooks.

One `StripeClient` per API key (tenants may bring their own); `api_base` points the SDK at a proxy or a stub.
Every Stripe failure becomes `PaymentProviderUnavailable` with a message that names no key.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

import stripe

from promptsaas.adapters.payments.stripe.events import event_of, subscription_of
from promptsaas.application.ports.payments import (
    BillingEvent,
    CheckoutRequest,
    CheckoutSession,
    CheckoutStatus,
    PaymentProvider,
    ProviderCredentials,
    ProviderSubscription,
    Refund,
)
from promptsaas.application.ports.price_catalog import CatalogPrice, EnsuredPrice, ProviderPrices
from promptsaas.domain.billing import (
    PaymentObjectMissing,
    PaymentProviderUnavailable,
    WebhookInvalid,
    WebhookRejected,
)

T = TypeVar("T")
TOLERANCE_SECONDS = 300


class StripePayments(PaymentProvider, ProviderPrices):
    name = "stripe"

    def __init__(self, api_base: str | None = None, *, timeout_seconds: float = 20.0) -> None:
        self._api_base = api_base
        self._timeout = timeout_seconds
        self._clients: dict[str, stripe.StripeClient] = {}

    def _client(self, credentials: ProviderCredentials) -> stripe.StripeClient:
        client = self._clients.get(credentials.api_key)
        if client is None:
            bases: Any = {"api": self._api_base} if self._api_base else None
            http = stripe.HTTPXClient(timeout=self._timeout)
            client = stripe.StripeClient(
                credentials.api_key, base_addresses=bases, max_network_retries=0, http_client=http
            )
            self._clients[credentials.api_key] = client
        return client

    async def start_checkout(self, credentials: ProviderCredentials, request: CheckoutRequest) -> CheckoutSession:
        ref = request.reference
        metadata = {"tenant_id": ref.tenant_id, "user_id": ref.user_id, "plan_code": ref.plan_code}
        params: Any = {
            "mode": "payment" if request.interval is None else "subscription",
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": f"{ref.tenant_id}.{ref.user_id}",
            "metadata": metadata,
            "line_items": [{"price": request.price_id, "quantity": 1} if request.price_id else _inline(request)],
        }
        if request.customer_id:
            params["customer"] = request.customer_id
        elif request.email:
            params["customer_email"] = request.email
        if request.interval is None:
            params["payment_intent_data"] = {"metadata": metadata}
            if not request.customer_id:
                params["customer_creation"] = "always"
        else:
            params["subscription_data"] = {"metadata": metadata}
            if request.trial_days:
                params["subscription_data"]["trial_period_days"] = request.trial_days
        options: Any = {"idempotency_key": request.idempotency_key}
        session = await _call(
            self._client(credentials).v1.checkout.sessions.create_async(params=params, options=options)
        )
        replayed = session.last_response is not None and session.last_response.headers.get("idempotent-replayed")
        return _session_of(session, reused=replayed == "true")

    async def fetch_checkout(self, credentials: ProviderCredentials, session_id: str) -> CheckoutSession:
        return _session_of(await _call(self._client(credentials).v1.checkout.sessions.retrieve_async(session_id)))

    async def open_portal(self, credentials: ProviderCredentials, customer_id: str, return_url: str) -> str:
        params: Any = {"customer": customer_id, "return_url": return_url}
        portal = await _call(self._client(credentials).v1.billing_portal.sessions.create_async(params=params))
        return str(portal.url)

    async def set_cancel_at_period_end(
        self, credentials: ProviderCredentials, subscription_id: str, cancel: bool
    ) -> ProviderSubscription:
        params: Any = {"cancel_at_period_end": cancel}
        updated = await _call(self._client(credentials).v1.subscriptions.update_async(subscription_id, params=params))
        return subscription_of(updated.to_dict())

    async def cancel_now(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        canceled = await _call(self._client(credentials).v1.subscriptions.cancel_async(subscription_id))
        return subscription_of(canceled.to_dict())

    async def refund(
        self, credentials: ProviderCredentials, payment_id: str, amount: int | None, idempotency_key: str
    ) -> Refund:
        params: Any = {"charge" if payment_id.startswith("ch_") else "payment_intent": payment_id}
        if amount is not None:
            params["amount"] = amount
        options: Any = {"idempotency_key": idempotency_key}
        refund = await _call(self._client(credentials).v1.refunds.create_async(params=params, options=options))
        data = refund.to_dict()
        charge = data.get("charge")
        return Refund(
            str(data["id"]),
            str(charge.get("id") if isinstance(charge, dict) else charge),
            int(data.get("amount") or 0),
            str(data.get("currency") or "usd"),
        )

    async def fetch_subscription(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        found = await _call(self._client(credentials).v1.subscriptions.retrieve_async(subscription_id))
        return subscription_of(found.to_dict())

    def parse_webhook(
        self, credentials: ProviderCredentials, payload: bytes, headers: Mapping[str, str]
    ) -> BillingEvent:
        signature = headers.get("stripe-signature")
        if not signature or not credentials.webhook_secret:
            raise WebhookRejected(
                "the webhook carries no Stripe-Signature header"
                if not signature
                else "no webhook secret is configured for this tenant"
            )
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, credentials.webhook_secret, TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
            raise WebhookRejected("the webhook signature does not verify") from error
        return self.parse_stored(payload)

    def parse_stored(self, payload: bytes) -> BillingEvent:
        """A body whose fields are not of Stripe's shapes (a list where an object goes, text for an amount) is
        refused as a whole, like one that is not JSON."""
        try:
            return event_of(json.loads(payload), payload)
        except ValueError as error:  # not JSON, or the shape checks, which name what is wrong
            raise WebhookInvalid(f"the webhook body is not a Stripe event ({error})") from error
        except (KeyError, TypeError, AttributeError, IndexError) as error:  # Python's words would mean nothing here
            raise WebhookInvalid(
                "the webhook body is not a Stripe event (a field is missing or of another shape)"
            ) from error

    async def ensure_price(self, credentials: ProviderCredentials, price: CatalogPrice) -> EnsuredPrice:
        client = self._client(credentials)
        listed: Any = {"lookup_keys": [price.lookup_key], "limit": 1}
        found = await _call(client.v1.prices.list_async(params=listed))
        if found.data:
            return EnsuredPrice(str(found.data[0].id), created=False)
        await self._ensure_product(client, price)
        params: Any = {
            "product": price.product_key,
            "unit_amount": price.amount,
            "currency": price.currency,
            "lookup_key": price.lookup_key,
        }
        if price.interval is not None:
            params["recurring"] = {"interval": price.interval.value}
        options: Any = {"idempotency_key": f"price-{price.lookup_key}"}
        created = await _call(client.v1.prices.create_async(params=params, options=options))
        return EnsuredPrice(str(created.id), created=True)

    async def _ensure_product(self, client: stripe.StripeClient, price: CatalogPrice) -> None:
        """One product per plan, under our own id, so its monthly and yearly prices share it."""
        try:
            await client.v1.products.retrieve_async(price.product_key)
            return
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise _unavailable(error) from error
        except stripe.StripeError as error:
            raise _unavailable(error) from error
        params: Any = {"id": price.product_key, "name": price.product_name}
        options: Any = {"idempotency_key": f"product-{price.product_key}"}
        await _call(client.v1.products.create_async(params=params, options=options))


def _session_of(session: stripe.checkout.Session, *, reused: bool = False) -> CheckoutSession:
    """Stripe's `status` (`open`, `complete`, `expired`); a session without one is taken as open."""
    status = CheckoutStatus(session.status or CheckoutStatus.OPEN)
    return CheckoutSession(session.id, str(session.url), status, reused)


def _inline(request: CheckoutRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "currency": request.currency,
        "unit_amount": request.amount,
        "product_data": {"name": request.product_name},
    }
    if request.interval is not None:
        data["recurring"] = {"interval": request.interval.value}
    return {"price_data": data, "quantity": 1}


async def _call(pending: Awaitable[T]) -> T:
    try:
        return await pending
    except stripe.StripeError as error:
        raise _unavailable(error) from error


def _unavailable(error: stripe.StripeError) -> PaymentProviderUnavailable:
    """A failure that names its kind and status, never a key; a 404 is `PaymentObjectMissing` (it will not pass)."""
    status = getattr(error, "http_status", None)
    kind = type(error).__name__
    message = f"Stripe failed ({kind}{f', HTTP {status}' if status else ''})"
    return PaymentObjectMissing(message) if status == 404 else PaymentProviderUnavailable(message)
