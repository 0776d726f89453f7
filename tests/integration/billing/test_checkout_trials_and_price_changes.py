"""Checkout and Stripe's later events on SQLite and PostgreSQL: a plan's trial reaches Stripe, a user's second
checkout reuses their Stripe customer, a pack paid by a delayed method is granted only when the payment succeeds,
and a subscription moved to another plan's Stripe price moves to that plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from promptsaas.domain.billing import Interval
from promptsaas.domain.subscriptions import SubscriptionStatus
from tests.integration.billing.conftest import AGENT, EMAIL, BillingWorld, catalog


def with_plan(changes: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    document = catalog()
    [pro] = [p for p in document["plans"] if p["code"] == "pro"]
    pro.update(changes)
    document["plans"].extend(extra or [])
    return document


def sessions(world: BillingWorld) -> list[dict[str, Any]]:
    return [body for method, path, body in world.stub.requests if path == "/v1/checkout/sessions"]


async def test_a_plan_with_trial_days_checks_out_a_subscription_with_that_trial(world: BillingWorld) -> None:
    await world.tenant.apply_catalog(with_plan({"trial_days": 14}))
    session = await world.checkout("pro")
    [sent] = sessions(world)
    assert sent["mode"] == "subscription"
    assert sent["subscription_data"]["trial_period_days"] == "14"
    _, events = world.stub.complete_checkout(session)
    for event in events:
        assert await world.deliver(event)
    [ours] = await world.subscriptions()
    assert ours.status is SubscriptionStatus.TRIALING
    assert ours.current_period_end == world.clock.at + timedelta(days=14)
    assert (await world.tenant.chat(EMAIL, AGENT, "during the trial")).text


async def test_a_users_second_checkout_reuses_their_stripe_customer(world: BillingWorld) -> None:
    first = await world.checkout("pro")
    _, events = world.stub.complete_checkout(first)
    for event in events:
        await world.deliver(event)
    await world.checkout("credits", None)
    await world.checkout("pro", Interval.YEAR)
    customers = [o for o in world.stub.objects.values() if o["object"] == "customer"]
    assert len(customers) == 1
    assert [s.get("customer") for s in sessions(world)] == [None, customers[0]["id"], customers[0]["id"]]
    assert sessions(world)[0]["customer_email"] == EMAIL
    assert all("customer_email" not in s for s in sessions(world)[1:])


async def delayed_pack(world: BillingWorld) -> tuple[dict[str, Any], dict[str, Any]]:
    """A pack checkout completed with a payment still processing (a bank debit): Stripe says `unpaid`."""
    session_id = await world.checkout("credits", None)
    _, [completed] = world.stub.complete_checkout(session_id, paid=False)
    assert completed["data"]["object"]["payment_status"] == "unpaid"
    assert await world.deliver(completed)
    assert await world.subscriptions() == []
    return world.stub.objects[session_id], completed


async def test_a_pack_paid_later_is_granted_when_the_async_payment_succeeds(world: BillingWorld) -> None:
    session, _ = await delayed_pack(world)
    session["payment_status"] = "paid"
    succeeded = world.stub.event("checkout.session.async_payment_succeeded", session)
    assert await world.deliver(succeeded)
    assert not await world.deliver(succeeded)
    [holding] = await world.subscriptions()
    assert (holding.plan_code, holding.status) == ("credits", SubscriptionStatus.ACTIVE)
    [pack] = await world.tenant.packs(EMAIL)
    assert [(lim.used, lim.remaining) for lim in pack.limits] == [(0, 37)]
    [payment] = await world.platform.container.revenue().payments(await world.tenant.id())
    assert (payment.amount, payment.plan_code, payment.kind.value) == (500, "credits", "charge")
    assert (await world.tenant.chat(EMAIL, AGENT, "paid at last")).text


async def test_a_pack_whose_async_payment_fails_grants_nothing_and_records_no_payment(world: BillingWorld) -> None:
    session, _ = await delayed_pack(world)
    assert await world.deliver(world.stub.event("checkout.session.async_payment_failed", session))
    assert await world.subscriptions() == []
    assert await world.tenant.packs(EMAIL) == []
    assert await world.platform.container.revenue().payments(await world.tenant.id()) == []


async def test_a_subscription_moved_to_another_plans_price_moves_to_that_plan(world: BillingWorld) -> None:
    def price(amount: int) -> str:
        made = world.stub._price({"unit_amount": str(amount), "currency": "usd", "recurring": {"interval": "month"}})
        return str(made["id"])

    pro_price, max_price = price(900), price(2900)
    bigger = {
        "code": "max",
        "name": "Max",
        "agents": "all",
        "price": {"monthly": 2900, "currency": "usd", "stripe_monthly": max_price},
    }
    await world.tenant.apply_catalog(
        with_plan({"price": {"monthly": 900, "currency": "usd", "stripe_monthly": pro_price}}, [bigger])
    )
    session = await world.checkout("pro")
    assert sessions(world)[0]["line_items"][0]["price"] == pro_price
    sub, events = world.stub.complete_checkout(session)
    for event in events:
        await world.deliver(event)
    [ours] = await world.subscriptions()
    assert ours.plan_code == "pro"

    world.stub.now += 60
    moved = world.stub.update_subscription(str(sub["id"]), price=max_price)
    assert await world.deliver(world.stub.event("customer.subscription.updated", moved))
    [ours] = await world.subscriptions()
    assert (ours.plan_code, ours.status) == ("max", SubscriptionStatus.ACTIVE)
    change = (await world.audit("subscription.sync"))[0]  # newest first
    assert change.target == ours.id
    assert change.before.startswith("pro active")
    assert change.after.startswith("max active")
