"""A shop served in this process (uvicorn on a real socket, SQLite or PostgreSQL) with the Graph API stub, the
Stripe stub and a model that says how many images it saw: for the tests that reach inside the server (a fault
between the settlement and keeping the answer, a checkout paid by signed webhook, a moved clock)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from dependency_injector import providers

from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.ports.llm import Completion, LlmProvider, LlmRequest
from promptsaas.application.ports.whatsapp_store import InboxEntry, InboxState
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart, text_of
from promptsaas.domain.replies import FinishReason
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.e2e.byok.test_byok_over_http import serving
from tests.integration.persistence.platforms import FixedClock
from tests.support import whatsapp_stub as wa
from tests.support.catalogs import CREDIT_PACK
from tests.support.stripe_stub import StripeStub

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
APP_SECRET, VERIFY_TOKEN = "inprocess-meta-app-secret-0123", "inprocess-verify-token"
STRIPE_KEY, STRIPE_HOOK = "sk_test_whatsapp_shop", "whsec_whatsapp_shop"
EMAIL, PASSWORD = "web@shop.example", "web-pa55word-shop"
ADMIN, ADMIN_PASSWORD = "owner@shop.example", "owner-pa55word-shop"
MODEL = {"system": "You are helpful.", "model": "offline:echo", "params": {"max_output_tokens": 64}}
CATALOG: dict[str, Any] = {
    "agents": [{"slug": "helper", "name": "Helper", "description": "Answers anything.", "prompt": MODEL}],
    "plans": [
        {
            "code": "free",
            "name": "Free",
            "default": True,
            "agents": "all",
            "limits": [{"metric": "requests", "window": "day", "amount": 2}],
        },
        {
            "code": "pro",
            "name": "Pro",
            "agents": "all",
            "trial_days": 0,
            "priority": 1,
            "limits": [{"metric": "requests", "window": "day", "amount": 100}],
            "price": {"monthly": 900, "currency": "usd"},
        },
        CREDIT_PACK,
    ],
}


class Parrot(LlmProvider):
    """Says back what it was told, noting how many images came with it, or `essay N` as N numbered words (a long
    answer), or `cut: TEXT` as TEXT cut at its length limit; counts the calls (each one is charged)."""

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, request: LlmRequest) -> Completion:
        self.calls += 1
        parts = request.messages[-1].parts
        said = text_of(parts)
        if said.startswith("essay "):
            return Completion(" ".join(f"word{i:05d}" for i in range(int(said.split()[1]))), 10, 5)
        if said.startswith("cut: "):
            return Completion(said.removeprefix("cut: "), 10, 5, FinishReason.LENGTH)
        images = sum(isinstance(p, ImagePart) for p in parts)
        return Completion(said + (f" [{images} image]" if images else ""), 10, 5)


@dataclass
class Shop:
    platform: AsyncPlatform
    tenant: AsyncTenant
    url: str
    graph: wa.WhatsAppStub
    stripe: StripeStub
    clock: FixedClock
    parrot: Parrot
    database_url: str
    client: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.AsyncClient(base_url=self.url, timeout=30)

    @property
    def webhook(self) -> str:
        return "/v1/webhooks/whatsapp/shop"

    async def post(self, payload: dict[str, Any], secret: str = APP_SECRET) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": wa.signature(body, secret)}
        return await self.client.post(self.webhook, content=body, headers=headers)

    async def say(self, wa_id: str, message_id: str, text: str) -> str:
        """Send a text as the person and wait for the next reply to them."""
        before = len(self.graph.texts(wa_id))
        assert (await self.post(wa.text(wa_id, message_id, text))).status_code == 200
        return str((await until(lambda: self.graph.texts(wa_id)[before:]))[-1])

    async def entry(self, message_id: str) -> InboxEntry | None:
        entries, _ = await self.platform.container.whatsapp().inbox(await self.tenant.id())
        return next((e for e in entries if e.message.message_id == message_id), None)

    async def retried(self, message_id: str) -> InboxEntry:
        """Wait until the message's try failed and another is planned (it stays pending, with the error)."""
        return await until(lambda: self._retried(message_id))

    async def _retried(self, message_id: str) -> InboxEntry | None:
        found = await self.entry(message_id)
        return found if found and found.error_code and found.state is InboxState.PENDING else None

    async def user_id(self, wa_id: str) -> str:
        person = await self.platform.container.channels().enter(await self.tenant.id(), Channel.WHATSAPP, wa_id)
        return person.user_id

    async def requests_charged(self, user_id: str) -> int:
        """Requests recorded for the user (usage records) across every plan."""
        rows = await self.platform.container.usage().report(await self.tenant.id(), group_by="user", user_id=user_id)
        return sum(row.requests for row in rows)

    async def deliver_stripe(self, event: dict[str, Any]) -> None:
        body, header = self.stripe.signed(event, STRIPE_HOOK)
        response = await self.client.post(
            "/v1/webhooks/stripe/shop", content=body, headers={"Stripe-Signature": header}
        )
        assert response.status_code == 200, response.text

    def stored(self, table: str) -> str:
        """Every row of a table as the database holds it, read behind the platform's back."""
        if self.database_url.startswith("sqlite:///"):
            with contextlib.closing(sqlite3.connect(self.database_url.removeprefix("sqlite:///"))) as db:
                return repr(db.execute(f"SELECT * FROM {table}").fetchall())
        with psycopg.connect(self.database_url.replace("+psycopg", "")) as db:
            return repr(db.execute(f"SELECT * FROM {table}").fetchall())

    async def login(self, email: str = EMAIL, password: str = PASSWORD) -> dict[str, str]:
        """The bearer header of a user signed in over HTTP."""
        login = await self.client.post(
            "/v1/auth/login", json={"email": email, "password": password}, headers={"X-Tenant": "shop"}
        )
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def until(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    """The first truthy result of `check` (a function or a coroutine function), polled for `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if inspect.isawaitable(found):
            found = await found
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("the condition did not hold in time")


def shop_settings(url: str, tmp: Path, graph: wa.WhatsAppStub, stripe: StripeStub | None) -> Settings:
    billing = (
        {"stripe_api_key": STRIPE_KEY, "stripe_webhook_secret": STRIPE_HOOK, "stripe_api_base": stripe.url}
        if stripe
        else {}
    )
    return Settings(
        database_url=url,
        secret_key="whatsapp-shop-signing-secret-0123456789abcdef",
        encryption_key_file=str(tmp / "encryption_key"),
        password_memory_kib=1024,
        password_time_cost=1,
        whatsapp_phone_number_id=wa.PHONE_NUMBER_ID,
        whatsapp_access_token=wa.ACCESS_TOKEN,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_api_base=graph.url,
        whatsapp_sweep_seconds=3600.0,
        **billing,
    )


@pytest.fixture
async def stripe() -> AsyncIterator[StripeStub]:
    async with StripeStub() as running:
        yield running


async def open_shop(
    url: str, tmp: Path, graph: wa.WhatsAppStub, stripe: StripeStub, *, billing: bool = True
) -> AsyncIterator[Shop]:
    graph.reset()
    platform = await AsyncPlatform.open(url, shop_settings(url, tmp, graph, stripe if billing else None))
    clock = FixedClock(datetime.fromtimestamp(stripe.now, UTC))
    parrot = Parrot()
    platform.container.clock.override(providers.Object(clock))
    platform.container.llm.override(providers.Object(ProviderRegistry({"offline": parrot})))
    tenant = await platform.create_tenant("shop")
    await tenant.apply_catalog(CATALOG)
    await tenant.create_user(EMAIL, PASSWORD)
    await tenant.create_user(ADMIN, ADMIN_PASSWORD, role="admin")
    async with platform, serving(create_app(platform.container)) as served:
        shop = Shop(platform, tenant, served, graph, stripe, clock, parrot, url)
        try:
            yield shop
        finally:
            await shop.client.aclose()


@pytest.fixture(params=ENGINES)
async def shop(
    request: pytest.FixtureRequest, tmp_path: Path, graph: wa.WhatsAppStub, stripe: StripeStub
) -> AsyncIterator[Shop]:
    """The shop on the deployment's default number and Stripe keys."""
    url = str(request.getfixturevalue(f"migrated_{request.param}_url"))
    async for opened in open_shop(url, tmp_path, graph, stripe):
        yield opened


@pytest.fixture
async def unpaid_shop(migrated_sqlite_url: str, tmp_path: Path, graph: wa.WhatsAppStub, stripe: StripeStub) -> Any:
    """The shop with no Stripe keys at all."""
    async for opened in open_shop(migrated_sqlite_url, tmp_path, graph, stripe, billing=False):
        yield opened
