"""Stripe webhooks that cannot change anything, over a real socket against `promptsaas serve` on SQLite and
PostgreSQL with the Stripe stub: a signed body that is not an event is refused for what it is (not as a bad
signature), events naming objects Stripe does not have are recorded and settled rather than retried forever, an
invoice of another customer records no payment, and a delivery Stripe fails for waits with its attempt counted."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe

from tests.e2e.http.billing_world import (
    WEBHOOK_SECRET,
    BillingServer,
    Member,
    inbox_attempts,
    inbox_statuses,
    problem,
    served_billing,
)
from tests.e2e.http.server_process import ENGINES

pytestmark = pytest.mark.slow
NOT_EVENTS = [
    b"[1,2]",
    b'"str"',
    b"null",
    b"42",
    b"{}",
    b'{"id": 5, "type": "invoice.paid"}',
    b'{"id": "evt_typeless", "type": 7}',
    b'{"id": "", "type": "invoice.paid"}',
    b'{"id": "evt_listdata", "type": "invoice.paid", "data": [1]}',
    b'{"id": "evt_listobject", "type": "invoice.paid", "data": {"object": [1, 2]}}',
    b'{"id": "evt_listitems", "type": "customer.subscription.updated", "data": {"object": {"id": "s", "items": [1]}}}',
    b"not json at all",
]


@pytest.fixture(scope="module", params=ENGINES)
def billing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BillingServer]:
    with served_billing(request, tmp_path_factory.mktemp(f"unappliable-{request.param}")) as world:
        yield world


def signed_post(billing: BillingServer, body: bytes) -> httpx.Response:
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), WEBHOOK_SECRET, int(time.time()))
    return billing.post_webhook(body, {"Stripe-Signature": header})


def payments_of(billing: BillingServer, member: Member) -> list[dict[str, Any]]:
    with billing.admin() as admin:
        listed: list[dict[str, Any]] = admin.get("/v1/admin/payments").json()
    return [p for p in listed if p["user_id"] == member.id]


@pytest.mark.parametrize("body", NOT_EVENTS, ids=lambda b: b.decode()[:24])
def test_a_signed_body_that_is_not_a_stripe_event_is_refused_as_invalid_and_stores_nothing(
    billing: BillingServer, body: bytes
) -> None:
    before = inbox_statuses(billing.database_url)
    refused = problem(signed_post(billing, body), 400, "webhook_invalid")
    assert "not a Stripe event" in refused["detail"]
    assert inbox_statuses(billing.database_url) == before
    tampered_header = stripe.WebhookSignature.generate_signature_header(body.decode(), "whsec_other", int(time.time()))
    problem(billing.post_webhook(body, {"Stripe-Signature": tampered_header}), 400, "webhook_signature_invalid")


def test_events_naming_a_subscription_or_customer_stripe_does_not_have_are_recorded_and_settled(
    billing: BillingServer,
) -> None:
    updated = billing.stub.event(
        "customer.subscription.updated",
        {"id": "sub_nope", "object": "subscription", "customer": "cus_nope", "status": "active", "metadata": {}},
    )
    paid = billing.stub.event(
        "invoice.paid",
        {
            "id": "in_nobody",
            "object": "invoice",
            "customer": "cus_nobody",
            "amount_paid": 900,
            "currency": "usd",
            "parent": {"subscription_details": {"subscription": "sub_nobody"}},
        },
    )
    for event in (updated, paid):
        answer = billing.deliver(event)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"received": True, "duplicate": False}
    assert {i: inbox_attempts(billing.database_url)[i] for i in (updated["id"], paid["id"])} == {
        updated["id"]: ("ignored", 0),
        paid["id"]: ("ignored", 0),
    }
    with billing.admin() as admin:
        payments = admin.get("/v1/admin/payments").json()
    assert [p for p in payments if p["amount"] == 900 and p["user_id"] is None] == []


def test_an_invoice_of_another_customer_naming_a_members_subscription_records_no_payment(
    billing: BillingServer,
) -> None:
    member, sub = billing.subscribed("owner")
    assert len(payments_of(billing, member)) == 1
    invoice = billing.stub.invoice(sub)
    invoice = {**json.loads(json.dumps(invoice)), "id": "in_foreign2", "customer": "cus_foreign"}
    event = billing.stub.event("invoice.paid", invoice)
    assert billing.deliver(event).status_code == 200
    assert inbox_statuses(billing.database_url)[event["id"]] == "applied"
    assert len(payments_of(billing, member)) == 1
    [ours] = billing.stripe_subscriptions(member)
    assert ours["status"] == "active"


def test_a_delivery_stripe_fails_for_stays_pending_with_its_attempt_counted_then_applies(
    billing: BillingServer,
) -> None:
    member = billing.new_member("patient")
    sub, events = billing.paid_events(member)
    billing.stub.failing_for.add(sub["id"])
    try:
        for event in events:
            assert billing.deliver(event).status_code == 200
        assert {e["id"]: inbox_attempts(billing.database_url)[e["id"]] for e in events} == {
            e["id"]: ("pending", 1) for e in events
        }
    finally:
        billing.stub.failing_for.discard(sub["id"])
    for event in events:  # Stripe delivers again
        assert billing.deliver(event).json() == {"received": True, "duplicate": True}
    assert {e["id"]: inbox_statuses(billing.database_url)[e["id"]] for e in events} == {
        e["id"]: "applied" for e in events
    }
    assert [s["status"] for s in billing.stripe_subscriptions(member)] == ["active"]
    assert len(payments_of(billing, member)) == 1
