"""`PaymentProvider` for subscriptions an admin grants by hand: no checkout, portal, refund or webhook. A grant and
an end are this provider's snapshots, applied through the same transition (and audit) as Stripe's events, so a
granted subscription is the same kind of subscription to the policy as a paid one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NoReturn

from promptsaas.application.ports.payments import (
    BillingEvent,
    BillingReference,
    CheckoutRequest,
    CheckoutSession,
    PaymentProvider,
    ProviderCredentials,
    ProviderGrants,
    ProviderSubscription,
    Refund,
)
from promptsaas.domain.billing import PaymentOperationUnsupported, ProviderStatus, WebhookRejected


def _unsupported(what: str) -> NoReturn:
    raise PaymentOperationUnsupported(f"manual subscriptions are granted by an admin: there is no {what}")


class ManualPayments(PaymentProvider, ProviderGrants):
    name = "manual"

    async def start_checkout(self, credentials: ProviderCredentials, request: CheckoutRequest) -> CheckoutSession:
        _unsupported("checkout")

    async def fetch_checkout(self, credentials: ProviderCredentials, session_id: str) -> CheckoutSession:
        _unsupported("checkout")

    async def open_portal(self, credentials: ProviderCredentials, customer_id: str, return_url: str) -> str:
        _unsupported("billing portal")

    async def set_cancel_at_period_end(
        self, credentials: ProviderCredentials, subscription_id: str, cancel: bool
    ) -> ProviderSubscription:
        _unsupported("cancel at period end (an admin cancels it)")

    async def cancel_now(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        _unsupported("subscription at a provider to cancel (an admin's cancel ends the grant)")

    async def refund(
        self, credentials: ProviderCredentials, payment_id: str, amount: int | None, idempotency_key: str
    ) -> Refund:
        _unsupported("payment to refund")

    async def fetch_subscription(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        _unsupported("remote state to fetch")

    def parse_webhook(
        self, credentials: ProviderCredentials, payload: bytes, headers: Mapping[str, str]
    ) -> BillingEvent:
        raise WebhookRejected("the manual provider receives no webhooks")

    def parse_stored(self, payload: bytes) -> BillingEvent:
        raise WebhookRejected("the manual provider receives no webhooks")

    def granted(
        self, subscription_id: str, reference: BillingReference, start: datetime, end: datetime | None
    ) -> ProviderSubscription:
        return ProviderSubscription(subscription_id, None, ProviderStatus.ACTIVE, None, start, end, False, reference)

    def ended(
        self, subscription_id: str, reference: BillingReference, start: datetime, at: datetime
    ) -> ProviderSubscription:
        return ProviderSubscription(subscription_id, None, ProviderStatus.CANCELED, None, start, at, False, reference)
