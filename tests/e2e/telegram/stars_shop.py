"""A tenant selling a plan and a pack for Telegram Stars, on SQLite or PostgreSQL: the bot's Dispatcher against the
Bot API stub, and the HTTP app (web accounts, link codes) over the same platform."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.domain.channels import Channel
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from promptsaas.entrypoints.telegram.shell import TelegramShell, build_shell
from tests.e2e.http.world import settings_for
from tests.e2e.telegram.conftest import OFFLINE, Parrot
from tests.support.telegram_stub import TOKEN, TelegramStub

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
TOM = 7001
MONTH = 30 * 24 * 3600
PRO_STARS, PACK_STARS = 250, 50
ANN, ANN_PASSWORD = "ann@example.com", "correct horse battery"
CATALOG: dict[str, Any] = {
    "agents": [{"slug": "helper", "name": "Helper", "description": "Answers anything.", "prompt": OFFLINE}],
    "plans": [
        {
            "code": "free",
            "name": "Free",
            "agents": "all",
            "default": True,
            "limits": [{"metric": "requests", "window": "day", "amount": 3}],
        },
        {
            "code": "pro",
            "name": "Pro",
            "agents": "all",
            "priority": 1,
            "limits": [{"metric": "requests", "window": "day", "amount": 100}],
            "price": {"monthly": 500, "currency": "usd", "stars": PRO_STARS},
        },
        {
            "code": "credits",
            "name": "Credits",
            "kind": "pack",
            "agents": "all",
            "expires_days": 30,
            "limits": [{"metric": "requests", "window": "grant", "amount": 5}],
            "price": {"once": 200, "currency": "usd", "stars": PACK_STARS},
        },
        {
            "code": "team",
            "name": "Team",
            "agents": "all",
            "limits": [{"metric": "requests", "window": "day", "amount": 1000}],
            "price": {"monthly": 4900, "currency": "usd"},
        },
    ],
}


@dataclass
class StarsShop:
    platform: AsyncPlatform
    tenant: AsyncTenant
    shell: TelegramShell
    stub: TelegramStub
    web: AsyncTestClient[Any]

    async def feed(self, update: dict[str, Any]) -> None:
        await self.shell.dispatcher.feed_raw_update(self.shell.bot, update)

    async def say(self, text: str, user: int = TOM) -> str:
        await self.feed(self.stub.text_update(user, text))
        return self.stub.texts(user)[-1]

    async def press(self, action: str, user: int = TOM) -> None:
        await self.feed(self.stub.button_update(user, action))

    async def buy_pro(self, user: int = TOM) -> str:
        """Press Pro's buy button; the payload of the Stars subscription link it made."""
        await self.press("buy:pro", user)
        return str(self.stub.sent("createInvoiceLink")[-1]["payload"])

    def pro_paid(self, payload: str, *, charge: str = "stx-first", days: int = 30, renewal: bool = False) -> Any:
        expires = int(time.time()) + days * 24 * 3600
        return self.stub.stars_payment(payload, PRO_STARS, charge=charge, expires=expires, renewal=renewal)

    async def user_of(self, subject: int = TOM) -> str:
        person = await self.platform.container.channels().enter(await self.tenant.id(), Channel.TELEGRAM, str(subject))
        return person.user_id

    async def stars_subscriptions(self) -> list[Any]:
        async with self.platform.container.uow()() as uow:
            subs = await uow.subscriptions.list(await self.tenant.id())
        return [s for s in subs if s.provider == "telegram_stars"]

    async def stars_payments(self) -> list[Any]:
        payments = await self.platform.container.revenue().payments(await self.tenant.id())
        return [p for p in payments if p.provider == "telegram_stars"]


@asynccontextmanager
async def stars_shop(database_url: str, workdir: Path) -> AsyncIterator[StarsShop]:
    async with TelegramStub() as stub:
        base = settings_for(database_url, workdir, "http://127.0.0.1:9/jwks")
        settings = replace(base, telegram_api_base=stub.url, telegram_bot_token=TOKEN)
        async with AsyncPlatform.open(database_url, settings) as platform:
            platform.container.llm.override(providers.Object(ProviderRegistry({"offline": Parrot()})))
            tenant = await platform.create_tenant("acme", name="Acme")
            await tenant.apply_catalog(CATALOG)
            await tenant.create_user(ANN, password=ANN_PASSWORD)
            shell = await build_shell(platform.container, "acme")
            try:
                async with AsyncTestClient(create_app(platform.container)) as web:
                    yield StarsShop(platform, tenant, shell, stub, web)
            finally:
                await shell.close()
