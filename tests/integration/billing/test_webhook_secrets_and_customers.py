"""Webhook deliveries on SQLite and PostgreSQL: during a secret rotation a header carrying several `v1` signatures
is accepted when one of them matches the tenant's secret, and an event about another tenant's customer is
recorded and changes nothing here."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from promptsaas.domain.billing import WebhookRejected
from promptsaas.domain.subscriptions import SubscriptionStatus
from tests.integration.billing.conftest import EMAIL, WEBHOOK_SECRET, BillingWorld, catalog

OLD_SECRET = "whsec_before_rotation"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


async def stored(world: BillingWorld, tenant_id: str, event_id: str) -> object | None:
    async with world.platform.container.uow()() as uow:
        return await uow.billing.event(tenant_id, "stripe", event_id)


@pytest.mark.parametrize("new_first", [True, False])
async def test_a_header_with_the_old_and_the_new_signature_is_accepted(world: BillingWorld, new_first: bool) -> None:
    session = await world.checkout("pro")
    _, events = world.stub.complete_checkout(session)
    created = events[0]
    body = json.dumps(created).encode()
    stamp = world.stub.now
    old, new = signature(OLD_SECRET, stamp, body), signature(WEBHOOK_SECRET, stamp, body)
    signatures = [new, old] if new_first else [old, new]
    header = f"t={stamp}," + ",".join(f"v1={s}" for s in signatures)
    inbox = world.platform.container.billing_inbox()
    assert await inbox.receive(world.slug, "stripe", body, {"stripe-signature": header})
    [ours] = await world.subscriptions()
    assert (ours.plan_code, ours.status) == ("pro", SubscriptionStatus.ACTIVE)


async def test_a_header_whose_signatures_all_fail_is_refused_and_stores_nothing(world: BillingWorld) -> None:
    session = await world.checkout("pro")
    _, events = world.stub.complete_checkout(session)
    created = events[0]
    body = json.dumps(created).encode()
    stamp = world.stub.now
    header = f"t={stamp},v1={signature(OLD_SECRET, stamp, body)},v1={signature('whsec_someone_else', stamp, body)}"
    inbox = world.platform.container.billing_inbox()
    with pytest.raises(WebhookRejected) as refused:
        await inbox.receive(world.slug, "stripe", body, {"stripe-signature": header})
    assert refused.value.code == "webhook_signature_invalid"
    assert await stored(world, await world.tenant.id(), str(created["id"])) is None
    assert await world.subscriptions() == []


async def test_an_event_about_another_tenants_customer_is_recorded_and_changes_nothing(world: BillingWorld) -> None:
    other = await world.platform.create_tenant("other")
    await other.apply_catalog(catalog())
    await other.create_user(EMAIL)
    session = await world.checkout("pro")
    sub, events = world.stub.complete_checkout(session)
    for event in events:
        assert await world.deliver(event)
    shop_id, other_id = await world.tenant.id(), await other.id()
    revenue = world.platform.container.revenue()
    assert len(await revenue.payments(shop_id)) == 1

    world.stub.update_subscription(str(sub["id"]), metadata={}, renew=True)  # only the customer names its owner
    renewed = world.stub.objects[str(sub["id"])]
    foreign = [
        world.stub.event("customer.subscription.updated", renewed),
        world.stub.event("invoice.paid", world.stub.invoice(renewed)),
    ]
    for event in foreign:
        body, header = world.stub.signed(event, WEBHOOK_SECRET)
        inbox = world.platform.container.billing_inbox()
        assert await inbox.receive("other", "stripe", body, {"stripe-signature": header})
        assert await stored(world, other_id, str(event["id"])) is not None
    assert [s for s in await other.subscriptions(EMAIL) if s.provider == "stripe"] == []
    assert await revenue.payments(other_id) == []
    assert [a for a in await other.audit_log(100) if a.action == "subscription.sync"] == []
    assert len(await revenue.payments(shop_id)) == 1
