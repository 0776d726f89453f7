"""What the operator runs against Stripe, on SQLite and PostgreSQL through the library and the loopback stub:
prices created once and stored on the plans, reconciliation repairing a missed webhook, the ledger, revenue,
refunds, and each pack's balance and expiry."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from promptsaas.domain.billing import PaymentAlreadyRefunded
from promptsaas.domain.subscriptions import SubscriptionStatus
from tests.integration.billing.conftest import EMAIL, BillingWorld, catalog


async def subscribe(world: BillingWorld) -> dict[str, Any]:
    session = await world.checkout("pro")
    sub, events = world.stub.complete_checkout(session)
    for event in events:
        await world.deliver(event)
    return sub


def stub_objects(world: BillingWorld, kind: str) -> list[dict[str, Any]]:
    return [o for o in world.stub.objects.values() if o["object"] == kind]


async def test_sync_prices_creates_each_product_and_price_once_and_stores_the_ids(world: BillingWorld) -> None:
    first = await world.tenant.sync_prices()

    assert sorted((x.plan_code, x.key, x.amount, x.created) for x in first) == [
        ("credits", "stripe_once", 500, True),
        ("pro", "stripe_monthly", 900, True),
        ("pro", "stripe_yearly", 9000, True),
    ]
    assert await world.tenant.sync_prices() == []
    assert len(stub_objects(world, "product")) == 2  # one per plan, its prices under it
    prices = stub_objects(world, "price")
    assert len(prices) == 3
    assert {p["product"] for p in prices} == {p["id"] for p in stub_objects(world, "product")}
    plans = {p.code: p for p in await world.tenant.plans()}
    stored = {(x.plan_code, x.key): x.price_id for x in first}
    pro_price = plans["pro"].price
    assert pro_price is not None
    assert pro_price.provider_id("stripe_yearly") == stored[("pro", "stripe_yearly")]
    yearly = next(p for p in prices if p["id"] == stored[("pro", "stripe_yearly")])
    assert (yearly["unit_amount"], yearly["recurring"]) == (9000, {"interval": "year"})

    session = await world.checkout("pro")
    assert world.stub.objects[session]["_price"] == stored[("pro", "stripe_monthly")]


async def test_ids_lost_by_a_catalog_reapply_are_found_again_without_creating_anything(world: BillingWorld) -> None:
    first = {(x.plan_code, x.key): x.price_id for x in await world.tenant.sync_prices()}
    await world.tenant.apply_catalog(catalog())  # the file names no Stripe ids
    again = await world.tenant.sync_prices()

    assert {(x.plan_code, x.key): x.price_id for x in again} == first
    assert not any(x.created for x in again)
    assert len(stub_objects(world, "price")) == 3
    assert len(stub_objects(world, "product")) == 2


async def test_reconcile_repairs_a_subscription_changed_without_a_webhook_and_then_finds_nothing(
    world: BillingWorld,
) -> None:
    sub = await subscribe(world)
    session = await world.checkout("credits", None)
    for event in world.stub.complete_checkout(session)[1]:
        await world.deliver(event)  # a pack: sold once, nothing at Stripe to re-read
    syncs = len(await world.audit("subscription.sync"))
    world.stub.update_subscription(str(sub["id"]), status="past_due", cancel_at_period_end=True)  # no webhook

    done = await world.tenant.reconcile_billing()

    assert (done.checked, done.unreadable) == (1, ())
    [repair] = done.repaired
    [ours] = [s for s in await world.subscriptions() if s.plan_code == "pro"]
    assert (repair.subscription_id, repair.provider_ref, repair.user_id) == (ours.id, sub["id"], world.user_id)
    changed = {c.field: (c.before, c.after) for c in repair.changes}
    assert changed["status"] == ("active", "past_due")
    assert changed["cancel_at_period_end"] == ("false", "true")
    assert (ours.status, ours.cancel_at_period_end) == (SubscriptionStatus.PAST_DUE, True)
    assert ours.grace_until == world.clock.now() + timedelta(days=3)
    assert len(await world.audit("subscription.sync")) == syncs + 1

    again = await world.tenant.reconcile_billing()
    assert (again.checked, again.repaired) == (1, ())
    assert len(await world.audit("subscription.sync")) == syncs + 1


async def test_reconcile_reports_a_subscription_stripe_would_not_give_and_leaves_it(world: BillingWorld) -> None:
    sub = await subscribe(world)
    world.stub.update_subscription(str(sub["id"]), status="canceled")
    world.stub.fail_next = 1

    done = await world.tenant.reconcile_billing()

    assert done.repaired == ()
    assert [ref for ref, _ in done.unreadable] == [sub["id"]]
    assert "api_error" in done.unreadable[0][1].lower() or "HTTP 500" in done.unreadable[0][1]
    [ours] = await world.subscriptions()
    assert ours.status is SubscriptionStatus.ACTIVE


async def test_the_library_reads_the_ledger_and_revenue_and_refunds_a_charge(world: BillingWorld) -> None:
    await subscribe(world)

    [charge] = await world.tenant.payments()
    assert (charge.amount, charge.currency, charge.plan_code, charge.kind.value) == (900, "usd", "pro", "charge")
    report = await world.tenant.revenue(group_by="plan")
    assert [(x.group, x.currency, x.charges, x.net) for x in report.lines] == [("pro", "usd", 900, 900)]
    assert (report.active_subscriptions, report.mrr) == (1, {"usd": 900})
    assert await world.tenant.payments(until=charge.created_at) == []

    refunded = await world.tenant.refund(charge.id)
    assert refunded.id == charge.id
    [(_, _, body)] = [r for r in world.stub.requests if r[1] == "/v1/refunds"]
    assert body["payment_intent"] == charge.reference
    assert [e.target for e in await world.audit("payment.refund")] == [charge.id]


async def test_two_concurrent_refunds_of_a_charge_ask_stripe_once(world: BillingWorld) -> None:
    await subscribe(world)
    [charge] = await world.tenant.payments()

    first, second = await asyncio.gather(
        world.tenant.refund(charge.id), world.tenant.refund(charge.id), return_exceptions=True
    )

    [refused] = [r for r in (first, second) if isinstance(r, BaseException)]
    assert isinstance(refused, PaymentAlreadyRefunded), refused
    assert refused.code == "payment_already_refunded"
    assert len([r for r in world.stub.requests if r[1] == "/v1/refunds"]) == 1
    assert [e.target for e in await world.audit("payment.refund")] == [charge.id]
    with pytest.raises(PaymentAlreadyRefunded, match="already requested"):
        await world.tenant.refund(charge.id)


async def test_a_charge_partly_refunded_at_stripe_can_be_refunded_and_one_refunded_in_full_cannot(
    world: BillingWorld,
) -> None:
    await subscribe(world)
    [charge] = await world.tenant.payments()
    refunded = {"id": "ch_partly", "object": "charge", "payment_intent": charge.reference, "amount": 900}
    part = world.stub.event("charge.refunded", {**refunded, "amount_refunded": 300, "currency": "usd"})
    assert await world.deliver(part)
    assert await world.tenant.refund(charge.id) == charge  # 3.00 of 9.00 back: the rest can still be refunded
    asked = len([r for r in world.stub.requests if r[1] == "/v1/refunds"])
    assert asked == 1

    whole = world.stub.event("charge.refunded", {**refunded, "amount_refunded": 900, "currency": "usd"})
    assert await world.deliver(whole)
    assert sorted(p.amount for p in await world.tenant.payments() if p.kind.value == "refund") == [300, 600]
    world.clock.at += timedelta(days=4)  # long after the asked refund's hold lapsed: the ledger alone says no
    with pytest.raises(PaymentAlreadyRefunded, match="is already refunded"):
        await world.tenant.refund(charge.id)
    assert len([r for r in world.stub.requests if r[1] == "/v1/refunds"]) == asked


async def test_each_pack_shows_its_remaining_balance_and_expiry(world: BillingWorld) -> None:
    session = await world.checkout("credits", None)
    for event in world.stub.complete_checkout(session)[1]:
        await world.deliver(event)
    for i in range(3):
        await world.tenant.chat(EMAIL, "echo", f"call {i}")

    [pack] = await world.tenant.packs(EMAIL)
    assert await world.tenant.packs() == [pack]
    assert (pack.plan_code, pack.user_id) == ("credits", world.user_id)
    assert pack.expires_at == world.clock.now() + timedelta(days=30)
    assert [(v.metric, v.window, v.limit, v.used, v.remaining) for v in pack.limits] == [
        ("requests", "grant", 37, 3, 34)
    ]
