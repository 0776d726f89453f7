"""Stripe does not order its events: every permutation of four events of one subscription ends in the state the
in-order delivery gives (SQLite and PostgreSQL, in process; the state comes from the provider's current object)."""

from __future__ import annotations

import itertools

from promptsaas.domain.subscriptions import SubscriptionStatus
from tests.integration.billing.conftest import open_world
from tests.support.stripe_stub import StripeStub


async def test_every_permutation_of_four_events_ends_in_the_in_order_state(database_url: str) -> None:
    async with StripeStub() as stub:
        finals = set()
        for number, order in enumerate(itertools.permutations(range(4))):
            world = await open_world(database_url, stub, slug=f"shop{number}")
            async with world.platform:
                session = await world.checkout("pro")
                sub, events = stub.complete_checkout(session)  # created, checkout completed, invoice paid
                updated = stub.update_subscription(str(sub["id"]), cancel_at_period_end=True)
                events.append(stub.event("customer.subscription.updated", updated))
                for index in order:
                    await world.deliver(events[index])
                [ours] = await world.subscriptions()
                finals.add((ours.plan_code, ours.status, ours.cancel_at_period_end, ours.current_period_end))
                assert len(await world.platform.container.revenue().payments(await world.tenant.id())) == 1
        [(plan, status, cancel, _)] = finals
        assert (plan, status, cancel) == ("pro", SubscriptionStatus.ACTIVE, True)
