"""Credit packs on SQLite and PostgreSQL: bought through Stripe Checkout, spent by concurrent calls with zero
overshoot, shown with their balance, never lifting a plan's rate limit, revoked by a refund."""

from __future__ import annotations

import asyncio

from promptsaas.domain.billing import PaymentKind
from promptsaas.domain.errors import AccessDenied
from promptsaas.domain.subscriptions import SubscriptionStatus
from tests.integration.billing.conftest import AGENT, EMAIL, BillingWorld


async def buy_pack(world: BillingWorld) -> dict[str, object]:
    session = await world.checkout("credits", None)
    intent, events = world.stub.complete_checkout(session)
    for event in events:
        await world.deliver(event)
    return intent


async def chat_outcomes(world: BillingWorld, calls: int) -> tuple[int, list[str]]:
    results = await asyncio.gather(
        *(world.tenant.chat(EMAIL, AGENT, f"call {i}") for i in range(calls)), return_exceptions=True
    )
    denied = [r.code for r in results if isinstance(r, AccessDenied)]
    errors = [repr(r) for r in results if isinstance(r, BaseException) and not isinstance(r, AccessDenied)]
    assert errors == []
    return calls - len(denied), denied


async def test_200_concurrent_calls_spend_exactly_the_packs_balance(world: BillingWorld) -> None:
    await buy_pack(world)
    [holding] = await world.subscriptions()
    assert holding.plan_code == "credits"
    assert holding.current_period_end is not None
    admitted, denied = await chat_outcomes(world, 200)
    assert admitted == 37
    assert set(denied) == {"quota_exceeded"}
    [view] = [v for v in await world.tenant.limits(EMAIL) if v.plan == "credits"]
    assert [(lim.used, lim.remaining) for lim in view.limits] == [(37, 0)]


async def test_a_second_delivery_of_the_purchase_grants_one_pack(world: BillingWorld) -> None:
    session = await world.checkout("credits", None)
    _, [completed] = world.stub.complete_checkout(session)
    assert await world.deliver(completed)
    assert not await world.deliver(completed)
    assert len(await world.subscriptions()) == 1


async def test_a_refund_revokes_what_is_unspent(world: BillingWorld) -> None:
    intent = await buy_pack(world)
    admitted, _ = await chat_outcomes(world, 5)
    assert admitted == 5
    tenant_id = await world.tenant.id()
    revenue = world.platform.container.revenue()
    [charge] = await revenue.payments(tenant_id)
    await revenue.refund(tenant_id, charge.id, "admin@example.com")
    await world.deliver(world.stub.charge_refunded(str(intent["id"])))
    [holding] = await world.subscriptions()
    assert holding.status is SubscriptionStatus.CANCELED
    admitted, denied = await chat_outcomes(world, 3)
    assert admitted == 0
    assert set(denied) == {"agent_not_in_plan"}
    kinds = [(p.kind, p.amount) for p in await revenue.payments(tenant_id)]
    assert kinds == [(PaymentKind.CHARGE, 500), (PaymentKind.REFUND, 500)]
    report = await revenue.report(tenant_id, group_by="plan")
    assert [(line.group, line.charges, line.refunds, line.net) for line in report.lines] == [("credits", 500, 500, 0)]


async def test_a_pack_funds_calls_once_the_plan_quota_is_spent_but_never_lifts_its_rate_limit(
    world: BillingWorld,
) -> None:
    await world.tenant.apply_catalog(
        {
            "plans": [
                {
                    "code": "pro",
                    "name": "Pro",
                    "agents": "all",
                    "limits": [
                        {"metric": "requests", "window": "minute", "amount": 3},
                        {"metric": "requests", "window": "day", "amount": 2},
                    ],
                    "price": {"monthly": 900, "currency": "usd"},
                }
            ]
        }
    )
    await world.tenant.grant_subscription(EMAIL, "pro")
    await buy_pack(world)
    admitted, denied = await chat_outcomes(world, 5)
    assert admitted == 3  # 2 from the plan's day quota, then 1 from the pack; the 4th hits the minute rate limit
    assert set(denied) == {"rate_limited"}
    [pack] = [v for v in await world.tenant.limits(EMAIL) if v.plan == "credits"]
    assert [lim.used for lim in pack.limits] == [1]
