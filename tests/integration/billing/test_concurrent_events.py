"""Stripe sends the events of one new subscription (created, checkout completed, invoice paid) at nearly the same
time; applied concurrently they make exactly one subscription and one payment per invoice (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from promptsaas.domain.billing import Interval
from tests.integration.billing.conftest import BillingWorld

BUYERS = 8


async def test_distinct_events_of_one_new_subscription_applied_at_once_make_one_subscription(
    world: BillingWorld,
) -> None:
    tenant_id = await world.tenant.id()
    checkout = world.platform.container.checkout()
    emails = [f"buyer{n}@example.com" for n in range(BUYERS)]
    deliveries = []
    for email in emails:
        user = await world.tenant.create_user(email)
        session = await checkout.checkout(tenant_id, user.id, "pro", Interval.MONTH)
        _, events = world.stub.complete_checkout(session.id)
        assert [e["type"] for e in events] == [
            "customer.subscription.created",
            "checkout.session.completed",
            "invoice.paid",
        ]
        deliveries += events
    outcomes = await asyncio.gather(*(world.deliver(e) for e in deliveries))
    assert all(outcomes)
    for email in emails:
        subs = [s for s in await world.tenant.subscriptions(email) if s.provider == "stripe"]
        assert [(s.plan_code, s.status.value) for s in subs] == [("pro", "active")], email
    payments = await world.platform.container.revenue().payments(tenant_id)
    assert len(payments) == BUYERS
    assert len({p.external_id for p in payments}) == BUYERS
    creations = [e for e in await world.audit("subscription.sync") if e.before == "none"]
    assert len(creations) == BUYERS
