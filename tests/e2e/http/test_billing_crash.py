"""A server killed (SIGKILL) after storing Stripe's events and before applying them: on SQLite and PostgreSQL the
next start applies each stored event exactly once, and Stripe's retries of the same deliveries change nothing.

The seam is Stripe itself: the stub leaves the subscription fetch that applying begins with unanswered, so the
server is killed with the events committed to its inbox and none of their effects written."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.http.billing_world import (
    BillingServer,
    inbox_statuses,
    served_billing,
    stripe_subscription_rows,
    wait_until,
)
from tests.e2e.http.server_process import ENGINES

pytestmark = pytest.mark.slow


@pytest.fixture(params=ENGINES)
def billing(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BillingServer]:
    with served_billing(request, tmp_path) as world:
        yield world


def _fetches(billing: BillingServer) -> int:
    return sum(1 for method, path, _ in billing.stub.requests if method == "GET" and path.startswith("/v1/subscr"))


def test_events_stored_by_a_killed_server_are_applied_once_after_restart(billing: BillingServer) -> None:
    member = billing.new_member("survivor")
    _, events = billing.paid_events(member)
    ids = [str(e["id"]) for e in events]
    billing.stub.fetches_open.clear()

    def deliver(event: dict[str, object]) -> int | str:
        try:
            return billing.deliver(event).status_code
        except httpx.TransportError as lost:  # the server died with the request open: Stripe will retry it
            return type(lost).__name__

    with ThreadPoolExecutor(len(events)) as pool:
        answers = pool.map(deliver, events)
        wait_until(lambda: _fetches(billing) >= len(events))
        stored = inbox_statuses(billing.database_url)
        assert billing.server is not None
        billing.server.process.send_signal(signal.SIGKILL)
        billing.server.process.wait(timeout=30)
    assert all(isinstance(a, str) for a in answers), "no delivery was acknowledged before the kill"
    assert {i: stored.get(i) for i in ids} == dict.fromkeys(ids, "pending")
    assert {i: inbox_statuses(billing.database_url)[i] for i in ids} == dict.fromkeys(ids, "pending")
    assert stripe_subscription_rows(billing.database_url) == []

    billing.stub.fetches_open.set()
    billing.launch("restarted.log")
    wait_until(lambda: all(inbox_statuses(billing.database_url)[i] == "applied" for i in ids))
    assert stripe_subscription_rows(billing.database_url) == [(member.id, "active")]

    with billing.login(member.email, member.password) as http:
        run = http.post("/v1/agents/writer/runs", json={"input": "a slogan"})  # writer is a pro agent
        assert run.status_code == 200, run.text
    for event in events:  # Stripe retries what was never acknowledged
        assert billing.deliver(event).json() == {"received": True, "duplicate": True}
    with billing.admin() as admin:
        payments = [p for p in admin.get("/v1/admin/payments").json() if p["user_id"] == member.id]
        audit = admin.get("/v1/admin/audit", params={"limit": 200}).json()
    assert len(payments) == 1
    assert len([e for e in audit if e["action"] == "subscription.sync"]) == 1
    assert stripe_subscription_rows(billing.database_url) == [(member.id, "active")]
