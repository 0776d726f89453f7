"""The `manual` payment provider: an admin's grant and cancel go through the same billing transition and audit as a
provider's events, so a granted subscription is the same kind of subscription as a paid one; there is no checkout."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from fakes import FakeClock, plan, small_catalog

from promptsaas.adapters.payments.manual import ManualPayments
from promptsaas.application.ports.payments import BillingReference, CheckoutRequest, ProviderCredentials
from promptsaas.domain.billing import Interval, PaymentOperationUnsupported
from promptsaas.domain.errors import AccessDenied
from promptsaas.domain.subscriptions import SubscriptionStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"


@pytest.fixture
async def shop(platform: AsyncPlatform) -> AsyncTenant:
    """`free` grants no agent; `pro` grants every agent."""
    shop = await platform.create_tenant("shop")
    catalog = small_catalog(
        plans=[
            plan("free", [], ("requests", "day", 5), default=True),
            plan("pro", "all", ("requests", "day", 100)),
        ]
    )
    await shop.apply_catalog(catalog)
    await shop.create_user(ANN)
    return shop


async def test_the_manual_provider_refuses_a_checkout_in_one_clear_error(platform: AsyncPlatform) -> None:
    manual = platform.container.payment_providers().get("manual")
    request = CheckoutRequest(
        BillingReference("t", "u", "pro"), Interval.MONTH, None, 900, "usd", "Pro", None, None, 0, "s", "c", "k"
    )

    with pytest.raises(PaymentOperationUnsupported) as refused:
        await manual.start_checkout(ProviderCredentials("unused"), request)

    assert refused.value.code == "payment_operation_unsupported"
    assert "granted by an admin: there is no checkout" in refused.value.message
    assert isinstance(manual, ManualPayments)


async def test_a_grant_is_the_manual_providers_snapshot_applied_and_audited_like_a_providers_event(
    shop: AsyncTenant, clock: FakeClock
) -> None:
    with pytest.raises(AccessDenied):
        await shop.chat(ANN, "tutor", "before")

    granted = await shop.grant_subscription(ANN, "pro", days=30)

    assert (granted.provider, granted.provider_ref, granted.status) == ("manual", granted.id, SubscriptionStatus.ACTIVE)
    assert granted.current_period_end == clock.now() + timedelta(days=30)
    assert granted.provider_synced_at == clock.now()
    assert (await shop.chat(ANN, "tutor", "granted")).text
    [entry] = [e for e in await shop.audit_log() if e.action == "subscription.grant"]
    assert (entry.target, entry.before) == (granted.id, "none")
    assert entry.after == f"pro active until {granted.current_period_end.isoformat()}"

    canceled = await shop.cancel_subscription(granted.id)

    assert (canceled.id, canceled.status, canceled.current_period_end) == (
        granted.id,
        SubscriptionStatus.CANCELED,
        clock.now(),
    )
    [ended] = [e for e in await shop.audit_log() if e.action == "subscription.cancel"]
    assert (ended.target, ended.before) == (granted.id, entry.after)
    assert ended.after.startswith("pro canceled until")
    assert [s.id for s in await shop.subscriptions(ANN)] == [granted.id]
    with pytest.raises(AccessDenied):
        await shop.chat(ANN, "tutor", "after")


async def test_a_grant_made_before_grants_had_a_reference_is_canceled_in_place(
    platform: AsyncPlatform, shop: AsyncTenant, clock: FakeClock
) -> None:
    granted = await shop.grant_subscription(ANN, "pro")
    async with platform.container.uow()() as uow:
        await uow.subscriptions.update(replace(granted, provider_ref=None, provider_synced_at=None))
        await uow.commit()

    canceled = await shop.cancel_subscription(granted.id)

    assert (canceled.status, canceled.provider_ref) == (SubscriptionStatus.CANCELED, granted.id)
    assert [(s.id, s.status) for s in await shop.subscriptions(ANN)] == [(granted.id, SubscriptionStatus.CANCELED)]
