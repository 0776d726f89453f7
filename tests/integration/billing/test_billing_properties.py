"""hypothesis: any history of plan grants, pack purchases and spending, Stripe subscriptions, renewals, refunds,
plan changes and duplicated events, applied through the billing services on SQLite with the Stripe stub, keeps
every quota counter equal to its usage entries, no limit overspent, and each payment recorded once."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptsaas.domain.errors import AccessDenied
from tests.integration.billing.conftest import AGENT, EMAIL, BillingWorld, catalog, open_world
from tests.support.stripe_stub import StripeStub

pytestmark = pytest.mark.slow
TEAM_PRICE = "price_team_monthly"
TEAM = {
    "code": "team",
    "name": "Team",
    "agents": "all",
    "priority": 5,
    "limits": [{"metric": "requests", "window": "day", "amount": 3}],
    "price": {"monthly": 2000, "currency": "usd", "stripe_monthly": TEAM_PRICE},
}
STEPS = st.one_of(
    st.tuples(st.just("grant_plan")),
    st.tuples(st.just("buy_pack")),
    st.tuples(st.just("consume"), st.integers(1, 8)),
    st.tuples(st.just("subscribe")),
    st.tuples(st.just("renew")),
    st.tuples(st.just("refund"), st.integers(0, 9)),
    st.tuples(st.just("change_plan")),
    st.tuples(st.just("duplicate"), st.integers(0, 99)),
)


class History:
    """Drives one world through the steps and remembers what a user of it expects."""

    def __init__(self, world: BillingWorld) -> None:
        self.world = world
        self.delivered: list[dict[str, Any]] = []
        self.payment_events: set[str] = set()
        self.packs: list[str] = []
        self.refunded: set[str] = set()
        self.subscription: dict[str, Any] | None = None
        self.pro_price = ""

    async def deliver(self, event: dict[str, Any], pays: bool = False) -> None:
        await self.world.deliver(event)
        self.delivered.append(event)
        if pays:
            self.payment_events.add(str(event["id"]))

    async def step(self, step: tuple[Any, ...]) -> None:
        world, stub = self.world, self.world.stub
        match step:
            case ("grant_plan",):
                await world.tenant.grant_subscription(EMAIL, "team", days=30)
            case ("buy_pack",):
                intent, [completed] = stub.complete_checkout(await world.checkout("credits", None))
                self.packs.append(str(intent["id"]))
                await self.deliver(completed, pays=True)
            case ("consume", calls):
                results = await asyncio.gather(
                    *(world.tenant.chat(EMAIL, AGENT, f"call {n}") for n in range(calls)), return_exceptions=True
                )
                assert all(not isinstance(r, BaseException) or isinstance(r, AccessDenied) for r in results), results
            case ("subscribe",) if self.subscription is None:
                self.subscription, events = stub.complete_checkout(await world.checkout("pro"))
                self.pro_price = str(self.subscription["items"]["data"][0]["price"]["id"])
                for event in events:
                    await self.deliver(event, pays=event["type"] == "invoice.paid")
            case ("renew",) if self.subscription is not None:
                item = self.subscription["items"]["data"][0]
                world.clock.at = world.clock.at.fromtimestamp(item["current_period_end"], world.clock.at.tzinfo)
                world.clock.at += timedelta(minutes=1)
                stub.now = int(world.clock.at.timestamp())
                renewed = stub.update_subscription(str(self.subscription["id"]), renew=True)
                await self.deliver(stub.event("invoice.paid", stub.invoice(renewed)), pays=True)
            case ("refund", index) if self.packs:
                intent = self.packs[index % len(self.packs)]
                if intent not in self.refunded:
                    self.refunded.add(intent)
                    await self.deliver(stub.charge_refunded(intent), pays=True)
            case ("change_plan",) if self.subscription is not None:
                item = self.subscription["items"]["data"][0]
                price = TEAM_PRICE if item["price"]["id"] != TEAM_PRICE else self.pro_price
                changed = stub.update_subscription(str(self.subscription["id"]), price=price)
                await self.deliver(stub.event("customer.subscription.updated", changed))
            case ("duplicate", index) if self.delivered:
                await self.world.deliver(self.delivered[index % len(self.delivered)])

    async def check(self) -> None:
        world = self.world
        assert await world.platform.reconcile_quota(world.slug) == []
        for view in await world.tenant.limits(EMAIL):
            for limit in view.limits:
                assert limit.limit is None or 0 <= limit.used <= limit.limit, (view.plan, limit)
        payments = await world.platform.container.revenue().payments(await world.tenant.id())
        assert len({(p.provider, p.external_id) for p in payments}) == len(payments)
        assert len(payments) == len(self.payment_events)


async def _play(url: str, steps: list[tuple[Any, ...]]) -> int:
    async with StripeStub() as stub:
        stub.objects[TEAM_PRICE] = {
            "id": TEAM_PRICE,
            "object": "price",
            "unit_amount": 2000,
            "currency": "usd",
            "recurring": {"interval": "month"},
        }
        world = await open_world(url, stub, pack_requests=5)
        async with world.platform:
            await world.tenant.apply_catalog({**catalog(5), "plans": [*catalog(5)["plans"], TEAM]})
            history = History(world)
            for step in steps:
                await history.step(step)
                await history.check()
            return len(history.delivered)


EVENTS: list[int] = []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEPS, min_size=1, max_size=20))
def test_any_billing_history_keeps_counters_limits_and_payments_consistent(
    migrated_sqlite_template: Path, steps: list[tuple[Any, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "promptsaas.db"
        shutil.copy(migrated_sqlite_template, path)
        EVENTS.append(asyncio.run(_play(f"sqlite:///{path}", steps)))
