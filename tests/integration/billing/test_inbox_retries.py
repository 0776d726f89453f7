"""The billing inbox's retries on SQLite and PostgreSQL against the Stripe stub: an event Stripe fails for stays
pending with its attempts counted and waits its backoff, events that keep failing never hold back one behind them,
and an event naming a subscription Stripe does not have is settled at once, never retried."""

from __future__ import annotations

from datetime import timedelta

import pytest

from promptsaas.application.ports.billing_store import InboxStatus
from tests.integration.billing.conftest import BillingWorld

STUCK = 10


async def inbox_row(world: BillingWorld, event_id: str) -> tuple[InboxStatus, int]:
    async with world.platform.container.uow()() as uow:
        entry = await uow.billing.event(await world.tenant.id(), "stripe", event_id)
    assert entry is not None
    return entry.status, entry.attempts


async def test_events_that_keep_failing_never_hold_back_a_later_one(
    world: BillingWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = world.platform.container.billing_inbox()
    stuck = []
    for n in range(STUCK):
        sub = {"id": f"sub_down{n}", "object": "subscription", "customer": "cus_down", "status": "active"}
        world.stub.failing_for.add(sub["id"])
        stuck.append(world.stub.event("customer.subscription.updated", sub))
    for event in stuck:
        assert await world.deliver(event)
    world.clock.at += timedelta(seconds=1)
    session = await world.checkout("pro")
    _, events = world.stub.complete_checkout(session)

    async def died(*args: object) -> bool:
        raise OSError("worker killed")

    monkeypatch.setattr(inbox, "apply", died)
    for event in events:
        await world.deliver(event)
    monkeypatch.undo()

    world.clock.at += timedelta(minutes=2)
    assert await inbox.apply_pending(limit=STUCK) == 0  # the stuck ones were due first, and failed again
    assert await world.subscriptions() == []
    world.clock.at += timedelta(seconds=1)
    assert await inbox.apply_pending(limit=STUCK) == len(events)  # they are put off; the ones behind go through
    assert len(await world.subscriptions()) == 1
    assert {await inbox_row(world, str(e["id"])) for e in stuck} == {(InboxStatus.PENDING, 2)}


async def test_an_event_stripe_fails_for_waits_its_backoff_then_applies(world: BillingWorld) -> None:
    inbox = world.platform.container.billing_inbox()
    session = await world.checkout("pro")
    sub, events = world.stub.complete_checkout(session)
    world.stub.failing_for.add(str(sub["id"]))
    for event in events:
        assert await world.deliver(event)
    assert {await inbox_row(world, str(e["id"])) for e in events} == {(InboxStatus.PENDING, 1)}
    world.stub.failing_for.clear()
    assert await inbox.apply_pending() == 0
    world.clock.at += timedelta(seconds=30)
    assert await inbox.apply_pending() == len(events)
    assert {await inbox_row(world, str(e["id"])) for e in events} == {(InboxStatus.APPLIED, 1)}
    assert len(await world.subscriptions()) == 1


async def test_an_event_naming_a_subscription_stripe_does_not_have_is_settled_and_never_retried(
    world: BillingWorld,
) -> None:
    inbox = world.platform.container.billing_inbox()
    sub = {"id": "sub_nope", "object": "subscription", "customer": "cus_nope", "status": "active"}
    event = world.stub.event("customer.subscription.updated", sub)
    assert await world.deliver(event)
    assert await inbox_row(world, str(event["id"])) == (InboxStatus.IGNORED, 0)
    fetches = len(world.stub.requests)
    world.clock.at += timedelta(days=1)
    assert await inbox.apply_pending() == 0
    assert len(world.stub.requests) == fetches
    assert await world.subscriptions() == []


async def test_an_invoice_of_another_customer_naming_our_subscription_records_no_payment(world: BillingWorld) -> None:
    session = await world.checkout("pro")
    sub, events = world.stub.complete_checkout(session)
    for event in events:
        assert await world.deliver(event)
    foreign = {**world.stub.invoice(sub), "id": "in_foreign2", "customer": "cus_foreign"}
    assert await world.deliver(world.stub.event("invoice.paid", foreign))
    payments = await world.platform.container.revenue().payments(await world.tenant.id())
    assert len(payments) == 1
    assert "in_foreign2" not in [p.external_id for p in payments]
