"""Billing facts every payment provider shares: intervals, the payments ledger, provider statuses and their errors.

The mapping from a provider's subscription status to access (with grace for `past_due`) lives here, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from promptsaas.domain.errors import DomainError, InvalidInput
from promptsaas.domain.subscriptions import Interval, SubscriptionStatus

__all__ = ["Interval"]

DEFAULT_GRACE_DAYS = 3


WHOLE_UNITS = frozenset({"xtr"})
"""Currencies counted in whole units, not cents: Telegram Stars."""


def money_text(amount: float, currency: str) -> str:
    """An amount of the ledger's units as people read it: `9.00 USD`, `250 XTR`."""
    if currency.lower() in WHOLE_UNITS:
        return f"{amount:,.0f} {currency.upper()}"
    return f"{amount / 100:,.2f} {currency.upper()}"


class PaymentKind(StrEnum):
    CHARGE = "charge"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Payment:
    """One row of the append-only payments ledger; `(provider, external_id)` is unique."""

    id: str
    tenant_id: str
    provider: str
    external_id: str
    user_id: str | None
    plan_code: str | None
    amount: int
    """Minor units (cents), always positive; `kind` says which way the money went."""
    currency: str
    kind: PaymentKind
    created_at: datetime
    reference: str | None = None
    """The provider's id of what this refunds (a charge) or settles (an invoice, a checkout session)."""

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidInput("a payment amount cannot be negative", field="amount")


def refunded_per_charge(ledger: Iterable[Payment]) -> dict[str, int]:
    """Minor units refunded per charge id: a refund row names, as its reference, the charge it returns."""
    out: dict[str, int] = {}
    for p in ledger:
        if p.kind is PaymentKind.REFUND and p.reference:
            out[p.reference] = out.get(p.reference, 0) + p.amount
    return out


class ProviderStatus(StrEnum):
    """A subscription's status as payment providers report it (Stripe's vocabulary, the widest)."""

    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    UNPAID = "unpaid"
    CANCELED = "canceled"
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    PAUSED = "paused"


_STATUS = {
    ProviderStatus.TRIALING: SubscriptionStatus.TRIALING,
    ProviderStatus.ACTIVE: SubscriptionStatus.ACTIVE,
    ProviderStatus.PAST_DUE: SubscriptionStatus.PAST_DUE,
    ProviderStatus.UNPAID: SubscriptionStatus.EXPIRED,
    ProviderStatus.CANCELED: SubscriptionStatus.CANCELED,
    ProviderStatus.INCOMPLETE: SubscriptionStatus.EXPIRED,
    ProviderStatus.INCOMPLETE_EXPIRED: SubscriptionStatus.EXPIRED,
    ProviderStatus.PAUSED: SubscriptionStatus.EXPIRED,
}


def subscription_status(status: ProviderStatus) -> SubscriptionStatus:
    """`trialing`/`active` give access, `past_due` gives it for the grace days, everything else none."""
    return _STATUS[status]


def grace_end(past_due_since: datetime, grace_days: int | None) -> datetime:
    return past_due_since + timedelta(days=DEFAULT_GRACE_DAYS if grace_days is None else grace_days)


class PaymentProviderUnavailable(DomainError):
    """The payment provider did not answer or failed; nothing was created on our side."""

    code = "payment_provider_unavailable"


class PaymentObjectMissing(PaymentProviderUnavailable):
    """The provider answered that the object asked for does not exist (Stripe: HTTP 404): asking again will not
    make it appear, so an event that names it is settled, not retried."""


class PaymentAlreadyRefunded(DomainError):
    """The charge is refunded in full in the ledger, or a refund of it was already asked of its provider: a second
    refund would ask the provider again for money already on its way back."""

    code = "payment_already_refunded"


class PaymentBeingConfirmed(DomainError):
    """The user has just paid this checkout and the provider's confirmation has not arrived yet: a new checkout would
    charge them twice for what becomes theirs in a moment."""

    code = "payment_being_confirmed"


class WebhookRejected(DomainError):
    """A webhook whose signature or timestamp does not verify: answered 400, nothing stored."""

    code = "webhook_signature_invalid"


class WebhookInvalid(WebhookRejected):
    """A webhook whose signature verifies but whose body is not one of the provider's events (not a JSON object, no
    string `id` or `type`): answered 400, nothing stored."""

    code = "webhook_invalid"


class PlanNotPurchasable(InvalidInput):
    """A free plan, an archived one, or a plan without a price for the interval asked."""

    code = "plan_not_purchasable"


class BillingNotConfigured(DomainError):
    """The tenant (or the deployment) has no keys for this payment provider."""

    code = "billing_not_configured"


class PaymentOperationUnsupported(InvalidInput):
    """The provider does not do this: the `manual` provider has no checkout, portal, refund or webhook."""

    code = "payment_operation_unsupported"


class PackNotCancelable(DomainError):
    """A pack is bought once and never renews: there is no renewal to cancel or resume (a refund ends it)."""

    code = "pack_not_cancelable"


class PaymentKeyInvalid(InvalidInput):
    """A payment provider's key that cannot be one: a publishable key given as the secret key, a webhook signing
    secret without its prefix. The message names the field and the expected shape, never the value."""

    code = "payment_key_invalid"


SECRET_KEY_PREFIXES = ("sk_", "rk_")
WEBHOOK_SECRET_PREFIX = "whsec_"


def check_stripe_keys(secret_key: str, webhook_secret: str | None) -> tuple[str, str]:
    """Both Stripe keys, trimmed, when each has its shape: a secret (`sk_`) or restricted (`rk_`) key, and the
    webhook endpoint's signing secret (`whsec_`), without which no event of the tenant's could be verified."""
    key, hook = secret_key.strip(), (webhook_secret or "").strip()
    if not key.startswith(SECRET_KEY_PREFIXES) or len(key) < 8 or any(c.isspace() for c in key):
        raise PaymentKeyInvalid(
            "secret_key must be a Stripe secret key (sk_...) or restricted key (rk_...); a publishable key (pk_...)"
            " cannot make payments",
            field="secret_key",
        )
    if not hook:
        raise PaymentKeyInvalid(
            "webhook_secret is required: the signing secret (whsec_...) of the tenant's webhook endpoint",
            field="webhook_secret",
        )
    if not hook.startswith(WEBHOOK_SECRET_PREFIX) or any(c.isspace() for c in hook):
        raise PaymentKeyInvalid(
            "webhook_secret must be a Stripe webhook signing secret (whsec_...)", field="webhook_secret"
        )
    return key, hook
