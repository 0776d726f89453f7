"""The WhatsApp webhook end to end: `promptsaas serve` on a real socket (SQLite, PostgreSQL) with the deployment's
default number pointed at the Graph API stub, and Meta's side played by signed posts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.http.server_process import ENGINES, Demo, ServerProcess, fresh_database, launch_server, promptsaas
from tests.e2e.http.server_process import server_env as base_env
from tests.e2e.whatsapp.shop import shop, stripe, unpaid_shop
from tests.integration.persistence.conftest import (
    migrated_postgres_database,
    migrated_postgres_url,
    migrated_sqlite_template,
    migrated_sqlite_url,
)
from tests.support.whatsapp_stub import ACCESS_TOKEN, PHONE_NUMBER_ID, WhatsAppStub, list_reply, signature

__all__ = [
    "migrated_postgres_database",
    "migrated_postgres_url",
    "migrated_sqlite_template",
    "migrated_sqlite_url",
    "shop",
    "stripe",
    "unpaid_shop",
]
APP_SECRET = "e2e-meta-app-secret-0123456789"
VERIFY_TOKEN = "e2e-verify-token-abcdef"
LEASE_SECONDS = 2


def whatsapp_env(stub: WhatsAppStub) -> dict[str, str]:
    return {
        "PROMPTSAAS_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "PROMPTSAAS_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "PROMPTSAAS_WHATSAPP_APP_SECRET": APP_SECRET,
        "PROMPTSAAS_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "PROMPTSAAS_WHATSAPP_API_BASE": stub.url,
        "PROMPTSAAS_WHATSAPP_LEASE_SECONDS": str(LEASE_SECONDS),
        "PROMPTSAAS_WHATSAPP_SWEEP_SECONDS": "0.3",
    }


@dataclass
class Meta:
    """Meta's side of the webhook, posting to one served tenant."""

    server: ServerProcess
    stub: WhatsAppStub
    database_url: str
    workdir: Path

    @property
    def webhook(self) -> str:
        return f"{self.server.url}/v1/webhooks/whatsapp/{self.server.demo.tenant}"

    def post(self, payload: dict[str, Any], *, secret: str = APP_SECRET, tamper: bool = False) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, secret)}
        if tamper:
            body = body.replace(b'"', b"'", 1)
        return httpx.post(self.webhook, content=body, headers=headers, timeout=30)

    def choose(self, wa_id: str, agent: str = "tutor") -> None:
        """Pick the agent from the list, as the person would, and wait for the confirmation."""
        before = len(self.stub.texts(wa_id))
        assert self.post(list_reply(wa_id, f"wamid.choose-{wa_id}-{agent}", f"agent:{agent}")).status_code == 200
        wait_until(lambda: len(self.stub.texts(wa_id)) > before)

    def admin(self) -> httpx.Client:
        demo = self.server.demo
        login = httpx.post(
            f"{self.server.url}/v1/auth/login",
            json={"email": demo.admin["email"], "password": demo.admin["password"]},
            headers={"X-Tenant": demo.tenant},
        )
        login.raise_for_status()
        return self.server.client(Authorization=f"Bearer {login.json()['access_token']}")

    def inbox(self) -> list[dict[str, Any]]:
        with self.admin() as admin:
            response = admin.get("/v1/admin/channels/whatsapp/messages")
        response.raise_for_status()
        return list(response.json())

    def restart(self, log_name: str) -> None:
        self.server = launch_server(
            self.database_url, self.workdir, self.server.demo, log_name, extra_env=whatsapp_env(self.stub)
        )


def wait_until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


@pytest.fixture(scope="module")
def graph() -> Iterator[WhatsAppStub]:
    with WhatsAppStub() as stub:
        yield stub


def serve(request: pytest.FixtureRequest, workdir: Path, stub: WhatsAppStub) -> Iterator[Meta]:
    with fresh_database(request, workdir) as url:
        env = base_env(url, workdir)
        promptsaas(env, workdir, "--database-url", url, "db", "upgrade")
        demo = Demo.from_output(promptsaas(env, workdir, "--json", "--database-url", url, "demo"))
        meta = Meta(launch_server(url, workdir, demo, extra_env=whatsapp_env(stub)), stub, url, workdir)
        try:
            yield meta
        finally:
            meta.server.stop()


@pytest.fixture(scope="module", params=ENGINES)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, graph: WhatsAppStub
) -> Iterator[Meta]:
    """One server per engine for the module, the demo tenant on the deployment's default number."""
    yield from serve(request, tmp_path_factory.mktemp(f"whatsapp-{request.param}"), graph)


@pytest.fixture
def meta(served: Meta) -> Meta:
    served.stub.reset()
    return served


@pytest.fixture(params=ENGINES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path, graph: WhatsAppStub) -> Iterator[Meta]:
    """A server of its own, for a test that kills it."""
    graph.reset()
    yield from serve(request, tmp_path, graph)
