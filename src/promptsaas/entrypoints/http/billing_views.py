"""Billing entities turned into their response bodies."""

from __future__ import annotations

from promptsaas.application.billing.revenue import RevenueReport
from promptsaas.domain.billing import Payment
from promptsaas.domain.subscriptions import Subscription
from promptsaas.entrypoints.http.schemas.billing import (
    BillingSubscriptionRead,
    PaymentRead,
    RevenueLineRead,
    RevenueRead,
)


def billing_subscription_read(sub: Subscription) -> BillingSubscriptionRead:
    end = sub.current_period_end.isoformat() if sub.current_period_end else None
    return BillingSubscriptionRead(
        id=sub.id,
        plan=sub.plan_code,
        status=sub.status.value,
        cancel_at_period_end=sub.cancel_at_period_end,
        current_period_end=end,
    )


def payment_read(p: Payment) -> PaymentRead:
    return PaymentRead(
        id=p.id,
        provider=p.provider,
        external_id=p.external_id,
        user_id=p.user_id,
        plan=p.plan_code,
        amount=p.amount,
        currency=p.currency,
        kind=p.kind.value,
        created_at=p.created_at.isoformat(),
    )


def revenue_read(report: RevenueReport) -> RevenueRead:
    lines = [
        RevenueLineRead(group=x.group, currency=x.currency, charges=x.charges, refunds=x.refunds, net=x.net)
        for x in report.lines
    ]
    return RevenueRead(lines=lines, active_subscriptions=report.active_subscriptions, mrr=report.mrr)
