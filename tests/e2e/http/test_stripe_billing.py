"""Stripe billing over a real socket, against `promptsaas serve` on SQLite and PostgreSQL with the Stripe stub:
a member's checkout, signed webhooks that activate the plan, refused deliveries that change nothing, a delivery
repeated ten times at once, checkout errors, Stripe unreachable, the portal, cancel and resume."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.http.billing_world import WEBHOOK_SECRET, BillingServer, inbox_statuses, problem, served_billing
from tests.e2e.http.server_process import ENGINES

pytestmark = pytest.mark.slow
FREE_REQUESTS_PER_DAY = 5  # the demo catalog
DUPLICATES = 10


@pytest.fixture(scope="module", params=ENGINES)
def billing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BillingServer]:
    with served_billing(request, tmp_path_factory.mktemp(f"billing-{request.param}")) as world:
        yield world


def deliver_aged(billing: BillingServer, event: dict[str, Any], age: int) -> httpx.Response:
    """A delivery signed `age` seconds ago; on this shared machine a round trip can outlast the last second of the
    tolerance, so a refusal counts only when the answer came within the second (else it is signed again)."""
    for _ in range(5):
        signed_at = time.time()
        answer = billing.deliver(event, timestamp=int(signed_at) - age)
        if answer.status_code == 200 or time.time() - int(signed_at) < 1:
            return answer
    return answer


def test_checkout_and_signed_events_activate_the_plan_beyond_the_free_limit(billing: BillingServer) -> None:
    member = billing.new_member("buyer")
    for n in range(FREE_REQUESTS_PER_DAY):
        assert member.http.post("/v1/agents/tutor/runs", json={"input": f"{n}?"}).status_code == 200
    problem(member.http.post("/v1/agents/tutor/runs", json={"input": "more?"}), 402, "quota_exceeded")

    session = billing.checkout(member)
    assert set(session) == {"id", "url"}
    assert session["url"].startswith("https://")
    [(_, _, sent)] = [r for r in billing.stub.requests if r[1] == "/v1/checkout/sessions"][-1:]
    assert sent["mode"] == "subscription"
    assert sent["client_reference_id"].endswith(f".{member.id}")
    assert sent["metadata"]["user_id"] == member.id
    assert sent["metadata"]["plan_code"] == "pro"
    assert sent["subscription_data"]["metadata"] == sent["metadata"]
    key = billing.stub.idempotency_keys[-1]
    assert billing.checkout(member)["id"] == session["id"]  # a retried request makes one session
    assert billing.stub.idempotency_keys[-1] == key

    _, events = billing.stub.complete_checkout(session["id"])
    for event in events:
        answer = billing.deliver(event)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"received": True, "duplicate": False}
    [sub] = billing.stripe_subscriptions(member)
    assert (sub["plan"], sub["status"]) == ("pro", "active")
    run = member.http.post("/v1/agents/tutor/runs", json={"input": "beyond the free limit"})
    assert run.status_code == 200, run.text
    assert run.json()["text"]


def test_a_changed_byte_a_missing_header_or_an_old_timestamp_is_refused_and_stores_nothing(
    billing: BillingServer,
) -> None:
    member = billing.new_member("careful")
    _, events = billing.paid_events(member)
    created = events[0]
    body, header = billing.stub.signed(created, WEBHOOK_SECRET)
    changed = body.replace(b'"active"', b'"activf"')
    assert len(changed) == len(body)
    assert changed != body
    problem(billing.post_webhook(changed, {"Stripe-Signature": header}), 400, "webhook_signature_invalid")
    problem(billing.post_webhook(body, {}), 400, "webhook_signature_invalid")
    problem(billing.deliver(created, timestamp=int(time.time()) - 301), 400, "webhook_signature_invalid")
    assert created["id"] not in inbox_statuses(billing.database_url)
    assert billing.stripe_subscriptions(member) == []

    assert deliver_aged(billing, created, 299).status_code == 200
    assert inbox_statuses(billing.database_url)[created["id"]] == "applied"
    assert [s["status"] for s in billing.stripe_subscriptions(member)] == ["active"]


def test_one_event_delivered_ten_times_at_once_changes_state_once(billing: BillingServer) -> None:
    member = billing.new_member("impatient")
    _, events = billing.paid_events(member)
    created = events[0]
    with ThreadPoolExecutor(DUPLICATES) as pool:
        answers = list(pool.map(lambda _: billing.deliver(created), range(DUPLICATES)))
    assert [a.status_code for a in answers] == [200] * DUPLICATES
    assert sorted(a.json()["duplicate"] for a in answers) == [False] + [True] * (DUPLICATES - 1)
    [sub] = billing.stripe_subscriptions(member)
    with billing.admin() as admin:
        audit = admin.get("/v1/admin/audit", params={"limit": 200}).json()
    assert len([e for e in audit if e["action"] == "subscription.sync" and e["target"] == sub["id"]]) == 1
    assert inbox_statuses(billing.database_url)[created["id"]] == "applied"


def test_checkout_errors_are_problems_with_codes_and_create_nothing(billing: BillingServer) -> None:
    member = billing.new_member("picky")
    with billing.admin() as admin:
        made = admin.post(
            "/v1/admin/plans", json={"code": "monthly-only", "name": "Monthly only", "price": {"monthly": 500}}
        )
        assert made.status_code == 201, made.text
    problem(member.http.post("/v1/billing/checkout", json={"plan": "nope", "interval": "month"}), 404, "plan_not_found")
    problem(
        member.http.post("/v1/billing/checkout", json={"plan": "free", "interval": "month"}),
        400,
        "plan_not_purchasable",
    )
    problem(
        member.http.post("/v1/billing/checkout", json={"plan": "monthly-only", "interval": "year"}),
        400,
        "plan_not_purchasable",
    )
    sessions = [o for o in billing.stub.objects.values() if o["object"] == "checkout.session"]
    billing.stub.fail_next = 1
    problem(
        member.http.post("/v1/billing/checkout", json={"plan": "pro", "interval": "year"}),
        502,
        "payment_provider_unavailable",
    )
    with billing.stubbed.down():
        problem(
            member.http.post("/v1/billing/checkout", json={"plan": "pro", "interval": "year"}),
            502,
            "payment_provider_unavailable",
        )
    assert [o for o in billing.stub.objects.values() if o["object"] == "checkout.session"] == sessions
    assert billing.stripe_subscriptions(member) == []
    problem(member.http.post("/v1/billing/portal"), 404, "billing_customer_not_found")


def test_portal_cancel_at_period_end_and_resume(billing: BillingServer) -> None:
    member, _ = billing.subscribed("manager")
    portal = member.http.post("/v1/billing/portal")
    assert portal.status_code == 200, portal.text
    assert set(portal.json()) == {"url"}
    [sub] = billing.stripe_subscriptions(member)
    canceled = member.http.post(f"/v1/billing/subscriptions/{sub['id']}/cancel")
    assert canceled.status_code == 200, canceled.text
    assert (canceled.json()["cancel_at_period_end"], canceled.json()["status"]) == (True, "active")
    resumed = member.http.post(f"/v1/billing/subscriptions/{sub['id']}/resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["cancel_at_period_end"] is False
    other = billing.new_member("stranger")
    problem(other.http.post(f"/v1/billing/subscriptions/{sub['id']}/cancel"), 404, "subscription_not_found")
