"""A platform on SQLite or PostgreSQL whose Stripe calls go to the loopback stub, with a catalog that sells a
subscription plan and a credit pack, and a way to deliver signed webhooks as Stripe would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from dependency_injector import providers

from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.domain.billing import Interval
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.integration.persistence.conftest import (
    migrated_postgres_database,
    migrated_postgres_url,
    migrated_sqlite_template,
    migrated_sqlite_url,
)
from tests.integration.persistence.platforms import FixedClock
from tests.support.stripe_stub import StripeStub

__all__ = ["migrated_postgres_database", "migrated_postgres_url", "migrated_sqlite_template", "migrated_sqlite_url"]

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
API_KEY, WEBHOOK_SECRET = "sk_test_deployment", "whsec_deployment"
EMAIL, AGENT = "buyer@example.com", "echo"


def catalog(pack_requests: int = 37) -> dict[str, Any]:
    return {
        "agents": [
            {
                "slug": AGENT,
                "name": "Echo",
                "history_turns": 0,
                "prompt": {"system": "Repeat.", "model": "offline:echo"},
            }
        ],
        "plans": [
            {"code": "free", "name": "Free", "default": True, "agents": []},
            {
                "code": "pro",
                "name": "Pro",
                "agents": "all",
                "trial_days": 0,
                "grace_days": 3,
                "limits": [{"metric": "requests", "window": "minute", "amount": 1000}],
                "price": {"monthly": 900, "yearly": 9000, "currency": "usd"},
            },
            {
                "code": "credits",
                "name": "Credit pack",
                "kind": "pack",
                "agents": "all",
                "expires_days": 30,
                "limits": [{"metric": "requests", "window": "grant", "amount": pack_requests}],
                "price": {"once": 500, "currency": "usd"},
            },
        ],
    }


@dataclass
class BillingWorld:
    platform: AsyncPlatform
    tenant: AsyncTenant
    slug: str
    stub: StripeStub
    clock: FixedClock
    user_id: str

    async def deliver(self, event: dict[str, Any], *, timestamp: int | None = None) -> bool:
        body, header = self.stub.signed(event, WEBHOOK_SECRET, timestamp=timestamp)
        inbox = self.platform.container.billing_inbox()
        return await inbox.receive(self.slug, "stripe", body, {"stripe-signature": header})

    async def checkout(self, plan: str, interval: Interval | None = Interval.MONTH) -> str:
        tenant_id = await self.tenant.id()
        session = await self.platform.container.checkout().checkout(tenant_id, self.user_id, plan, interval)
        return session.id

    async def subscriptions(self) -> list[Any]:
        return [s for s in await self.tenant.subscriptions(EMAIL) if s.provider == "stripe"]

    async def audit(self, action: str) -> list[Any]:
        return [e for e in await self.tenant.audit_log(500) if e.action == action]


async def open_world(url: str, stub: StripeStub, slug: str = "shop", pack_requests: int = 37) -> BillingWorld:
    settings = Settings(
        database_url=url,
        password_memory_kib=1024,
        password_time_cost=1,
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stub.url,
    )
    platform = await AsyncPlatform.open(url, settings)
    clock = FixedClock(_at(stub.now))
    platform.container.clock.override(providers.Object(clock))
    platform.container.llm.override(providers.Object(ProviderRegistry({"offline": OfflineProvider()})))
    tenant = await platform.create_tenant(slug)
    await tenant.apply_catalog(catalog(pack_requests))
    user = await tenant.create_user(EMAIL)
    return BillingWorld(platform, tenant, slug, stub, clock, user.id)


def _at(stamp: int) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(stamp, UTC)


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"migrated_{request.param}_url"))


@pytest.fixture
async def stub() -> AsyncIterator[StripeStub]:
    async with StripeStub() as running:
        yield running


@pytest.fixture
async def world(database_url: str, stub: StripeStub) -> AsyncIterator[BillingWorld]:
    opened = await open_world(database_url, stub)
    async with opened.platform:
        yield opened
    await asyncio.sleep(0)
