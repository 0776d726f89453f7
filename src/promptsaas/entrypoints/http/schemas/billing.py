"""Billing requests and responses: checkout, portal, provider keys, revenue and payments."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from promptsaas.entrypoints.http.schemas.base import CreatedAt, Id, PlanCode, Read, Request, about

Currency = Annotated[str, about("ISO currency, lower case", "usd")]
Minor = Annotated[int, about("An amount in minor units (cents)", 900)]
Url = Annotated[str, about("Where to send the user", "https://checkout.stripe.com/c/pay/cs_test_a1b2c3")]


class CheckoutCreate(Request):
    plan: Annotated[str, msgspec.Meta(min_length=1, max_length=64), about("The plan or pack to buy", "pro")]
    interval: Annotated[
        Literal["month", "year"] | None,
        about("How often a subscription renews; omit it for a pack", "month"),
    ] = None


class CheckoutRead(Read):
    id: Annotated[str, about("The provider's checkout session id", "cs_test_a1b2c3")]
    url: Url


class PortalRead(Read):
    url: Annotated[str, about("The provider's self-service page", "https://billing.stripe.com/p/session/test_a1")]


class StripeKeysPut(Request):
    secret_key: Annotated[
        str, msgspec.Meta(min_length=8, max_length=255), about("The tenant's Stripe secret key", "sk_live_51Hx")
    ]
    webhook_secret: (
        Annotated[
            Annotated[str, msgspec.Meta(max_length=255)],
            about("The signing secret of the tenant's webhook endpoint", "whsec_9f8e7d"),
        ]
        | None
    ) = None


class BillingSubscriptionRead(Read):
    id: Id
    plan: PlanCode
    status: Annotated[str, about("trialing, active, past_due, canceled or expired", "active")]
    cancel_at_period_end: Annotated[bool, about("Ends when the current period does", False)]
    current_period_end: Annotated[str | None, about("When the period ends (ISO 8601)", "2026-02-01T00:00:00+00:00")]


class PaymentRead(Read):
    id: Id
    provider: Annotated[str, about("Who took the payment", "stripe")]
    external_id: Annotated[str, about("The provider's id of the payment", "in_1Nx2Yz")]
    user_id: Annotated[str | None, about("Who paid", "0193a5b2-1f2e-7a4b-8c9d-0e1f2a3b4c5d")]
    plan: Annotated[str | None, about("The plan or pack paid for", "pro")]
    amount: Minor
    currency: Currency
    kind: Annotated[str, about("charge or refund", "charge")]
    created_at: CreatedAt


class RevenueLineRead(Read):
    group: Annotated[str, about("The month (YYYY-MM), plan or provider", "2026-01")]
    currency: Currency
    charges: Minor
    refunds: Annotated[int, about("Refunded, in minor units", 0)]
    net: Annotated[int, about("Charges less refunds, in minor units", 900)]


class RevenueRead(Read):
    lines: Annotated[list[RevenueLineRead], msgspec.Meta(description="Sums per group and currency")]
    active_subscriptions: Annotated[int, about("Paid subscriptions active now", 12)]
    mrr: Annotated[dict[str, int], about("Monthly recurring revenue per currency (minor units)", {"usd": 10800})]


class WebhookAck(Read):
    received: Annotated[bool, about("The event is stored", True)]
    duplicate: Annotated[bool, about("The event had been received before (nothing changed again)", False)]
