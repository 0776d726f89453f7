"""Every Stripe subscription status maps to ours, and whether it gives access: `trialing` and `active` do,
`past_due` does for the plan's grace days (default 3), the rest never do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from promptsaas.domain.billing import DEFAULT_GRACE_DAYS, ProviderStatus, grace_end, money_text, subscription_status
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus

START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = START + timedelta(days=10)


def subscription(status: ProviderStatus, grace_until: datetime | None = None) -> Subscription:
    return Subscription(
        "s1",
        "t1",
        "u1",
        "pro",
        subscription_status(status),
        START,
        START + timedelta(days=30),
        provider="stripe",
        provider_ref="sub_1",
        grace_until=grace_until,
    )


@pytest.mark.parametrize(
    ("stripe", "ours", "access"),
    [
        (ProviderStatus.TRIALING, SubscriptionStatus.TRIALING, True),
        (ProviderStatus.ACTIVE, SubscriptionStatus.ACTIVE, True),
        (ProviderStatus.UNPAID, SubscriptionStatus.EXPIRED, False),
        (ProviderStatus.CANCELED, SubscriptionStatus.CANCELED, False),
        (ProviderStatus.INCOMPLETE, SubscriptionStatus.EXPIRED, False),
        (ProviderStatus.INCOMPLETE_EXPIRED, SubscriptionStatus.EXPIRED, False),
        (ProviderStatus.PAUSED, SubscriptionStatus.EXPIRED, False),
    ],
)
def test_each_stripe_status_maps_to_ours_and_its_access(
    stripe: ProviderStatus, ours: SubscriptionStatus, access: bool
) -> None:
    assert subscription_status(stripe) is ours
    assert subscription(stripe).is_active(NOW) is access


def test_every_stripe_status_has_a_mapping() -> None:
    assert {subscription_status(s) for s in ProviderStatus} <= set(SubscriptionStatus)


@pytest.mark.parametrize(("grace_days", "days"), [(None, DEFAULT_GRACE_DAYS), (0, 0), (7, 7)])
def test_past_due_gives_access_within_the_grace_days_and_none_after(grace_days: int | None, days: int) -> None:
    assert DEFAULT_GRACE_DAYS == 3
    since = NOW - timedelta(days=1)
    until = grace_end(since, grace_days)
    assert until == since + timedelta(days=days)
    past_due = subscription(ProviderStatus.PAST_DUE, grace_until=until)
    assert past_due.status is SubscriptionStatus.PAST_DUE
    if days:
        assert past_due.is_active(until - timedelta(seconds=1))
    assert not past_due.is_active(until)
    assert not subscription(ProviderStatus.PAST_DUE).is_active(NOW)


def test_money_reads_in_cents_except_telegram_stars_counted_whole() -> None:
    assert money_text(1900, "eur") == "19.00 EUR"
    assert money_text(2500, "xtr") == "2,500 XTR"
