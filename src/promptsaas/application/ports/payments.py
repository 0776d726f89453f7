"""The payment port: checkout, portal, cancel/resume, refund, the provider's current subscription, and webhooks
verified and parsed into normalized `BillingEvent`s. Stripe, manual grants and Telegram Stars implement it.

Adapters are stateless: every call carries the tenant's `ProviderCredentials`, so one adapter serves every tenant
and several providers serve one tenant at once (`PaymentProviders`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from promptsaas.domain.billing import Interval, ProviderStatus


@dataclass(frozen=True, slots=True)
class ProviderCredentials:
    """A tenant's keys for one provider (or the deployment's defaults). Never logged, never shown."""

    api_key: str = field(repr=False)
    webhook_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class BillingReference:
    """Who and what a payment is for, as carried in the provider's metadata and `client_reference_id`."""

    tenant_id: str
    user_id: str
    plan_code: str


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """A checkout for a plan and interval (`interval` set: a subscription) or a pack (`interval` None: one payment)."""

    reference: BillingReference
    interval: Interval | None
    price_id: str | None
    """The provider's price id; `None` when `amount` is sent inline (packs without a stored price id)."""
    amount: int | None
    currency: str
    product_name: str
    customer_id: str | None
    """The user's existing customer at the provider, reused; `None` lets the provider create one."""
    email: str | None
    trial_days: int
    success_url: str
    cancel_url: str
    idempotency_key: str


class CheckoutStatus(StrEnum):
    """Where a hosted checkout stands: still to pay, paid (or its payment under way), or given up."""

    OPEN = "open"
    COMPLETE = "complete"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CheckoutSession:
    id: str
    url: str
    status: CheckoutStatus = CheckoutStatus.OPEN
    reused: bool = False
    """The provider answered with the session an earlier request under the same idempotency key made: its `status`
    is as it was then (ask `fetch_checkout` for the current one)."""


@dataclass(frozen=True, slots=True)
class ProviderSubscription:
    """The provider's current state of one subscription (periods from its items, in current Stripe versions)."""

    id: str
    customer_id: str | None
    status: ProviderStatus
    price_id: str | None
    current_period_start: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    reference: BillingReference | None
    """From the subscription's metadata, when the checkout put it there."""
    interval: Interval | None = None
    """How often its price renews, when the provider says."""


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    charge_id: str
    amount: int
    currency: str
    event: BillingEvent | None = None
    """For a provider that sends no event of a refund made through its API (Telegram Stars): the refund as one."""


@dataclass(frozen=True, slots=True)
class CheckoutCompleted:
    """A checkout finished. `paid` False for a pack whose asynchronous payment is still pending."""

    session_id: str
    reference: BillingReference | None
    customer_id: str | None
    subscription_id: str | None
    payment_id: str | None
    """For a one-time payment: the provider's payment (Stripe: the payment intent)."""
    amount: int
    currency: str
    paid: bool


@dataclass(frozen=True, slots=True)
class CheckoutPaymentFailed:
    """A pack's asynchronous payment failed: nothing is granted."""

    session_id: str
    reference: BillingReference | None


@dataclass(frozen=True, slots=True)
class SubscriptionChanged:
    """Created, updated or deleted (`deleted` True); the snapshot in the event, possibly stale."""

    subscription: ProviderSubscription
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class InvoicePaid:
    invoice_id: str
    subscription_id: str | None
    customer_id: str | None
    payment_id: str | None
    """The charge or payment intent a refund would name."""
    amount: int
    currency: str
    period_start: datetime | None
    period_end: datetime | None
    subscription: ProviderSubscription | None = None
    """The subscription's state the payment itself carries (Telegram Stars: paid until its expiration)."""


@dataclass(frozen=True, slots=True)
class InvoicePaymentFailed:
    invoice_id: str
    subscription_id: str | None
    customer_id: str | None


@dataclass(frozen=True, slots=True)
class ChargeRefunded:
    """A charge was refunded (fully or partly); `amount_refunded` is the running total."""

    charge_id: str
    payment_id: str | None
    """The payment intent the charge belongs to (what a pack's checkout recorded)."""
    customer_id: str | None
    amount_refunded: int
    currency: str
    full: bool = False
    """The whole charge was refunded, whatever `amount_refunded` says (Telegram refunds only whole payments)."""
    ends_subscription: bool = False
    """The refund also ends the subscription the charge paid for (a refunded Stars subscription is revoked)."""


BillingChange = (
    CheckoutCompleted
    | CheckoutPaymentFailed
    | SubscriptionChanged
    | InvoicePaid
    | InvoicePaymentFailed
    | ChargeRefunded
    | None
)
"""What an event means; `None` for an event type the platform does not act on (stored, then ignored)."""


@dataclass(frozen=True, slots=True)
class BillingEvent:
    """One verified webhook event, normalized. `event_id` is unique per provider; `created` orders snapshots."""

    provider: str
    event_id: str
    type: str
    created: datetime
    change: BillingChange
    tenant_id: str | None = None
    """The tenant the provider's metadata names, if any (checked against the webhook's path)."""
    payload: bytes = b""
    """The raw event, kept in the inbox so a pending event can be applied after a crash."""


class PaymentProvider(Protocol):
    """One payment provider. Provider failures raise `domain.billing.PaymentProviderUnavailable`."""

    name: str

    @abstractmethod
    async def start_checkout(self, credentials: ProviderCredentials, request: CheckoutRequest) -> CheckoutSession:
        """A hosted checkout page; the same `idempotency_key` gives the same session (`reused`)."""

    @abstractmethod
    async def fetch_checkout(self, credentials: ProviderCredentials, session_id: str) -> CheckoutSession:
        """The session as the provider has it now (paid since it was made, or expired)."""

    @abstractmethod
    async def open_portal(self, credentials: ProviderCredentials, customer_id: str, return_url: str) -> str:
        """The URL of the provider's self-service page for this customer."""

    @abstractmethod
    async def set_cancel_at_period_end(
        self, credentials: ProviderCredentials, subscription_id: str, cancel: bool
    ) -> ProviderSubscription:
        """Cancel at the end of the period (`cancel` True) or resume a subscription so canceled."""

    @abstractmethod
    async def cancel_now(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        """End a subscription at once (an admin's cancel): the provider charges it no more. Refunds nothing."""

    @abstractmethod
    async def refund(
        self, credentials: ProviderCredentials, payment_id: str, amount: int | None, idempotency_key: str
    ) -> Refund:
        """Refund a payment (all of it when `amount` is None)."""

    @abstractmethod
    async def fetch_subscription(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        """The provider's current object: the truth whatever order its events arrived in."""

    @abstractmethod
    def parse_webhook(
        self, credentials: ProviderCredentials, payload: bytes, headers: Mapping[str, str]
    ) -> BillingEvent:
        """Verify the signature on the raw body and normalize the event; raise `WebhookRejected` when it fails."""

    @abstractmethod
    def parse_stored(self, payload: bytes) -> BillingEvent:
        """Re-read an event already verified and stored in the inbox (no signature check)."""


class PaymentProviders(Protocol):
    """The payment providers the deployment runs, by name (`stripe`, `manual`, `telegram_stars`)."""

    @abstractmethod
    def get(self, name: str) -> PaymentProvider: ...

    @abstractmethod
    def names(self) -> frozenset[str]: ...


@runtime_checkable
class ProviderGrants(Protocol):
    """Providers whose subscriptions an admin opens and ends by hand (`manual`): the snapshot a grant or an end
    makes, applied through the same transition as a provider's events."""

    @abstractmethod
    def granted(
        self, subscription_id: str, reference: BillingReference, start: datetime, end: datetime | None
    ) -> ProviderSubscription: ...

    @abstractmethod
    def ended(
        self, subscription_id: str, reference: BillingReference, start: datetime, at: datetime
    ) -> ProviderSubscription: ...
