"""Stripe checkout and webhooks on SQLite and PostgreSQL, through the official SDK against the loopback stub:
a paid checkout activates the plan, signatures are checked, every event applies exactly once, in any order,
even when the worker dies between storing and applying it."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from promptsaas.domain.billing import WebhookRejected
from promptsaas.domain.errors import AccessDenied
from promptsaas.domain.subscriptions import SubscriptionStatus
from tests.integration.billing.conftest import AGENT, EMAIL, WEBHOOK_SECRET, BillingWorld


async def subscribe(world: BillingWorld) -> tuple[dict[str, object], list[dict[str, object]]]:
    session = await world.checkout("pro")
    return world.stub.complete_checkout(session)


async def test_a_paid_checkout_activates_the_plan_and_its_agent_answers(world: BillingWorld) -> None:
    with pytest.raises(AccessDenied) as denied:
        await world.tenant.chat(EMAIL, AGENT, "hello")
    assert denied.value.code == "agent_not_in_plan"
    sub, events = await subscribe(world)
    for event in events:
        assert await world.deliver(event)
    reply = await world.tenant.chat(EMAIL, AGENT, "hello")
    assert reply.text
    [ours] = await world.subscriptions()
    assert (ours.plan_code, ours.status, ours.provider_ref) == ("pro", SubscriptionStatus.ACTIVE, sub["id"])
    [payment] = await world.platform.container.revenue().payments(await world.tenant.id())
    assert (payment.amount, payment.currency, payment.kind.value) == (900, "usd", "charge")


async def test_a_retried_checkout_request_makes_one_session(world: BillingWorld) -> None:
    first, again = await world.checkout("pro"), await world.checkout("pro")
    assert first == again
    assert sum(1 for method, path, _ in world.stub.requests if path == "/v1/checkout/sessions") == 2
    assert len([o for o in world.stub.objects.values() if o["object"] == "checkout.session"]) == 1


async def test_a_bad_signature_a_missing_header_or_an_old_timestamp_store_nothing(world: BillingWorld) -> None:
    _, events = await subscribe(world)
    event = events[0]
    body, header = world.stub.signed(event, WEBHOOK_SECRET)
    inbox = world.platform.container.billing_inbox()
    tampered = body.replace(b'"active"', b'"activf"')
    assert len(tampered) == len(body)
    assert tampered != body
    for payload, headers in ((tampered, {"stripe-signature": header}), (body, {})):
        with pytest.raises(WebhookRejected):
            await inbox.receive(world.slug, "stripe", payload, headers)
    with pytest.raises(WebhookRejected):
        await world.deliver(event, timestamp=world.stub.now - 301)
    assert await world.subscriptions() == []
    assert await world.deliver(event, timestamp=int(time.time()) - 299)
    assert len(await world.subscriptions()) == 1


async def test_the_same_event_ten_times_at_once_changes_state_once(world: BillingWorld) -> None:
    _, events = await subscribe(world)
    created = events[0]
    outcomes = await asyncio.gather(*(world.deliver(created) for _ in range(10)))
    assert sorted(outcomes) == [False] * 9 + [True]
    assert len(await world.subscriptions()) == 1
    assert len(await world.audit("subscription.sync")) == 1


async def test_an_event_stored_by_a_worker_that_died_is_applied_once_at_the_next_start(
    world: BillingWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, events = await subscribe(world)
    inbox = world.platform.container.billing_inbox()

    async def died(*args: object) -> bool:
        raise OSError("worker killed")

    monkeypatch.setattr(inbox, "apply", died)
    for event in events:
        await world.deliver(event)
    assert await world.subscriptions() == []
    monkeypatch.undo()
    assert await inbox.apply_pending() == 0  # a failed attempt is due again after its backoff, not at once
    world.clock.at += timedelta(minutes=1)
    assert await inbox.apply_pending() == len(events)
    assert await inbox.apply_pending() == 0
    assert len(await world.subscriptions()) == 1
    assert len(await world.platform.container.revenue().payments(await world.tenant.id())) == 1


async def test_renewal_failed_payment_grace_cancel_at_period_end_and_deletion(world: BillingWorld) -> None:
    sub, events = await subscribe(world)
    for event in events:
        await world.deliver(event)
    [ours] = await world.subscriptions()
    first_end = ours.current_period_end
    assert first_end is not None
    world.clock.at = first_end + timedelta(minutes=1)
    world.stub.now = int(world.clock.at.timestamp())
    renewed = world.stub.update_subscription(str(sub["id"]), renew=True)
    await world.deliver(world.stub.event("invoice.paid", world.stub.invoice(renewed)))
    [ours] = await world.subscriptions()
    assert ours.current_period_start == first_end
    assert ours.current_period_end is not None
    assert ours.current_period_end > first_end
    assert len(await world.platform.container.revenue().payments(await world.tenant.id())) == 2

    world.stub.update_subscription(str(sub["id"]), status="past_due")
    await world.deliver(world.stub.event("invoice.payment_failed", world.stub.invoice(renewed, paid=False)))
    [ours] = await world.subscriptions()
    assert ours.status is SubscriptionStatus.PAST_DUE
    assert (await world.tenant.chat(EMAIL, AGENT, "within grace")).text
    world.clock.at += timedelta(days=3, seconds=1)
    with pytest.raises(AccessDenied) as denied:
        await world.tenant.chat(EMAIL, AGENT, "after grace")
    assert denied.value.code == "agent_not_in_plan"  # only the free default plan is left in force

    world.stub.update_subscription(str(sub["id"]), status="active")
    tenant_id = await world.tenant.id()
    checkout = world.platform.container.checkout()
    canceled = await checkout.set_cancel_at_period_end(tenant_id, world.user_id, ours.id, True)
    assert canceled.cancel_at_period_end
    assert canceled.status is SubscriptionStatus.ACTIVE
    resumed = await checkout.set_cancel_at_period_end(tenant_id, world.user_id, ours.id, False)
    assert not resumed.cancel_at_period_end

    deleted = world.stub.update_subscription(str(sub["id"]), status="canceled")
    await world.deliver(world.stub.event("customer.subscription.deleted", deleted))
    [ours] = await world.subscriptions()
    assert ours.status is SubscriptionStatus.CANCELED
    with pytest.raises(AccessDenied):
        await world.tenant.chat(EMAIL, AGENT, "after deletion")


async def test_an_event_naming_another_tenant_is_recorded_and_ignored(world: BillingWorld) -> None:
    session = await world.checkout("pro")
    world.stub.objects[session]["metadata"]["tenant_id"] = "someone-else"
    world.stub.objects[session]["_subscription_data"]["metadata"] = {"tenant_id": "someone-else"}
    _, events = world.stub.complete_checkout(session)
    for event in events:
        assert await world.deliver(event)
    assert await world.subscriptions() == []
