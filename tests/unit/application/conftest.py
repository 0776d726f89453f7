"""A platform on the in-memory adapters with a fast password hasher and a fixed clock, and a tenant with a catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from dependency_injector import providers
from fakes import FakeClock, small_catalog

from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

NOON = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1)


@pytest.fixture
def clock() -> FakeClock:
    """Mid-day, so no daily window rolls over while a test runs; tests move it on purpose."""
    return FakeClock(NOON)


@pytest.fixture
async def platform(settings: Settings, clock: FakeClock) -> AsyncIterator[AsyncPlatform]:
    async with AsyncPlatform.in_memory(settings) as platform:
        platform.container.clock.override(providers.Object(clock))
        yield platform


@pytest.fixture
async def tenant(platform: AsyncPlatform) -> AsyncTenant:
    """`acme` with the small catalog (tutor, writer; `free` = 5 requests a day) and two members, ann and bob."""
    acme = await platform.create_tenant("acme", name="Acme Inc.")
    await acme.apply_catalog(small_catalog())
    await acme.create_user("ann@example.com")
    await acme.create_user("bob@example.com")
    return acme
