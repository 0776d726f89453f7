"""Revenue from Stripe's events on SQLite and PostgreSQL: sums per month, plan and provider with refunds
subtracted, active subscriptions, and MRR that counts a yearly subscriber as a twelfth of the yearly price a month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from promptsaas.application.billing.revenue import RevenueLine
from promptsaas.domain.billing import Interval
from tests.integration.billing.conftest import BillingWorld

MARCH, APRIL = datetime(2026, 3, 10, 12, tzinfo=UTC), datetime(2026, 4, 12, 12, tzinfo=UTC)


def _set_time(world: BillingWorld, at: datetime) -> None:
    world.clock.at = at
    world.stub.now = int(at.timestamp())


async def _subscribe(world: BillingWorld, user_id: str, interval: Interval) -> dict[str, object]:
    tenant_id = await world.tenant.id()
    session = await world.platform.container.checkout().checkout(tenant_id, user_id, "pro", interval)
    sub, events = world.stub.complete_checkout(session.id)
    for event in events:
        assert await world.deliver(event)
    return sub


def _lines(lines: tuple[RevenueLine, ...]) -> dict[str, tuple[int, int, int]]:
    assert {line.currency for line in lines} == {"usd"}
    return {line.group: (line.charges, line.refunds, line.net) for line in lines}


async def test_revenue_by_month_plan_and_provider_with_refunds_and_yearly_mrr(world: BillingWorld) -> None:
    _set_time(world, MARCH)
    tenant_id = await world.tenant.id()
    yearly_user = await world.tenant.create_user("yearly@example.com")
    monthly = await _subscribe(world, world.user_id, Interval.MONTH)
    await _subscribe(world, yearly_user.id, Interval.YEAR)
    pack_session = await world.checkout("credits", None)
    intent, pack_events = world.stub.complete_checkout(pack_session)
    for event in pack_events:
        assert await world.deliver(event)

    _set_time(world, APRIL)
    renewed = world.stub.update_subscription(str(monthly["id"]), renew=True)
    assert await world.deliver(world.stub.event("invoice.paid", world.stub.invoice(renewed)))
    assert await world.deliver(world.stub.charge_refunded(str(intent["id"])))

    revenue = world.platform.container.revenue()
    by_month = await revenue.report(tenant_id, group_by="month")
    assert _lines(by_month.lines) == {"2026-03": (10400, 0, 10400), "2026-04": (900, 500, 400)}
    by_plan = await revenue.report(tenant_id, group_by="plan")
    assert _lines(by_plan.lines) == {"pro": (10800, 0, 10800), "credits": (500, 500, 0)}
    by_provider = await revenue.report(tenant_id, group_by="provider")
    assert _lines(by_provider.lines) == {"stripe": (11300, 500, 10800)}
    april = await revenue.report(tenant_id, since=APRIL - timedelta(days=11), group_by="month")
    assert _lines(april.lines) == {"2026-04": (900, 500, 400)}

    assert by_month.active_subscriptions == 2  # the refunded pack is no subscription
    assert by_month.mrr == {"usd": 900 + 9000 // 12}
    subscribers = [s for s in await world.tenant.subscriptions("yearly@example.com") if s.provider == "stripe"]
    assert [s.interval for s in subscribers] == [Interval.YEAR]
