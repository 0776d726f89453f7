"""`promptsaas serve` whose Stripe calls go to the loopback stub (`PROMPTSAAS_STRIPE_API_BASE`, `STRIPE_API_KEY`,
`STRIPE_WEBHOOK_SECRET` set as an operator would), members who register over HTTP, and signed webhook deliveries."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.http.server_process import Demo, ServerProcess, fresh_database, launch_server, promptsaas, server_env
from tests.support.stripe_stub import StripeStub
from tests.support.stripe_stub_thread import StripeStubThread

API_KEY, WEBHOOK_SECRET = "sk_test_e2e_deployment", "whsec_e2e_deployment"


def stripe_env(stub: StripeStub) -> dict[str, str]:
    return {"PROMPTSAAS_STRIPE_API_BASE": stub.url, "STRIPE_API_KEY": API_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


def _rows(database_url: str, query: str) -> list[tuple[Any, ...]]:
    """Rows read straight from the database the server writes (the server may be dead)."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return list(conn.execute(query).fetchall())
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [tuple(r) for r in conn.execute(query).fetchall()]


def inbox_statuses(database_url: str) -> dict[str, str]:
    """Every stored Stripe event id and its status."""
    rows = _rows(database_url, "SELECT event_id, status FROM billing_inbox WHERE provider = 'stripe'")
    return {str(event_id): str(status) for event_id, status in rows}


def inbox_attempts(database_url: str) -> dict[str, tuple[str, int]]:
    """Every stored Stripe event id, its status and its failed attempts."""
    rows = _rows(database_url, "SELECT event_id, status, attempts FROM billing_inbox WHERE provider = 'stripe'")
    return {str(event_id): (str(status), int(attempts)) for event_id, status, attempts in rows}


def stripe_subscription_rows(database_url: str) -> list[tuple[str, str]]:
    """(user id, status) of every subscription Stripe bills."""
    rows = _rows(database_url, "SELECT user_id, status FROM subscriptions WHERE provider = 'stripe'")
    return [(str(user), str(status)) for user, status in rows]


@contextmanager
def served_billing(request: pytest.FixtureRequest, workdir: Path) -> Iterator[BillingServer]:
    """A migrated database with the demo, the stub in a thread, and the server started against both."""
    stubbed = StripeStubThread()
    with fresh_database(request, workdir) as url, stubbed:
        env = server_env(url, workdir)
        promptsaas(env, workdir, "--database-url", url, "db", "upgrade")
        demo = Demo.from_output(promptsaas(env, workdir, "--json", "--database-url", url, "demo"))
        world = BillingServer(url, workdir, demo, stubbed)
        world.launch()
        try:
            yield world
        finally:
            world.close()


@dataclass
class Member:
    http: httpx.Client
    id: str
    email: str
    password: str


@dataclass
class BillingServer:
    database_url: str
    workdir: Path
    demo: Demo
    stubbed: StripeStubThread
    server: ServerProcess | None = None
    members: list[Member] = field(default_factory=list)

    @property
    def stub(self) -> StripeStub:
        return self.stubbed.stub

    @property
    def tenant(self) -> str:
        return self.demo.tenant

    def launch(self, log_name: str = "server.log") -> ServerProcess:
        self.server = launch_server(
            self.database_url, self.workdir, self.demo, log_name, extra_env=stripe_env(self.stub)
        )
        return self.server

    def http(self, **headers: str) -> httpx.Client:
        assert self.server is not None
        return self.server.client(**headers)

    def login(self, email: str, password: str) -> httpx.Client:
        with self.http(**{"X-Tenant": self.tenant}) as anonymous:
            answer = anonymous.post("/v1/auth/login", json={"email": email, "password": password})
            assert answer.status_code == 200, answer.text
        return self.http(Authorization=f"Bearer {answer.json()['access_token']}")

    def admin(self) -> httpx.Client:
        return self.login(self.demo.admin["email"], self.demo.admin["password"])

    def new_member(self, name: str) -> Member:
        email, password = f"{name}@example.com", f"{name}-pa55word-long"
        with self.http(**{"X-Tenant": self.tenant}) as anonymous:
            registered = anonymous.post("/v1/auth/register", json={"email": email, "password": password})
            assert registered.status_code == 202, registered.text
        http = self.login(email, password)
        member = Member(http, http.get("/v1/me").json()["user"]["id"], email, password)
        self.members.append(member)
        return member

    def deliver(self, event: dict[str, Any], *, timestamp: int | None = None) -> httpx.Response:
        body, header = self.stub.signed(event, WEBHOOK_SECRET, timestamp=timestamp)
        return self.post_webhook(body, {"Stripe-Signature": header})

    def post_webhook(self, body: bytes, headers: dict[str, str], timeout: float = 30) -> httpx.Response:
        assert self.server is not None
        headers = {**headers, "Content-Type": "application/json"}
        return httpx.post(
            f"{self.server.url}/v1/webhooks/stripe/{self.tenant}", content=body, headers=headers, timeout=timeout
        )

    def checkout(self, member: Member, plan: str = "pro", interval: str = "month") -> dict[str, Any]:
        answer = member.http.post("/v1/billing/checkout", json={"plan": plan, "interval": interval})
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def paid_events(self, member: Member) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The member checks out for pro and pays: the subscription and the events Stripe sends."""
        return self.stub.complete_checkout(self.checkout(member)["id"])

    def subscribed(self, name: str) -> tuple[Member, dict[str, Any]]:
        """A new member on pro: checked out, paid, and each of Stripe's events delivered and answered 200."""
        member = self.new_member(name)
        sub, events = self.paid_events(member)
        for event in events:
            assert self.deliver(event).status_code == 200
        return member, sub

    def stripe_subscriptions(self, member: Member) -> list[dict[str, Any]]:
        subs: list[dict[str, Any]] = member.http.get("/v1/me").json()["subscriptions"]
        return [s for s in subs if s["provider"] == "stripe"]

    def close(self) -> None:
        for member in self.members:
            member.http.close()
        if self.server is not None:
            self.server.stop()


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def wait_until(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.1)
