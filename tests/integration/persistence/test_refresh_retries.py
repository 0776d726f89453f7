"""A client retrying a refresh (two concurrent requests with one refresh token) on SQLite and PostgreSQL: both get
the one new pair, the family lives on, and a reuse after the grace still revokes it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from dependency_injector import providers

from promptsaas.application.auth.sessions import REFRESH_GRACE
from promptsaas.domain.errors import RefreshTokenReused
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.integration.persistence.platforms import FixedClock

PASSWORD = "correct horse battery"


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_concurrent_refreshes_with_one_token_share_one_new_pair(
    engine: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(f"migrated_{engine}_url")
    settings = Settings(database_url=url, password_memory_kib=1024, password_time_cost=1, secret_key="r" * 40)
    platform = await AsyncPlatform.open(url, settings)
    try:
        clock = FixedClock()
        platform.container.clock.override(providers.Object(clock))
        tenant = await platform.create_tenant("acme")
        await tenant.create_user("cat@example.com", password=PASSWORD)
        auth = platform.container.auth()
        pair = await auth.login(await tenant.id(), "cat@example.com", PASSWORD)

        results = await asyncio.gather(*(auth.refresh(pair.refresh_token) for _ in range(4)))

        assert len(set(results)) == 1
        assert (await auth.authenticate(results[0].access_token)).email == "cat@example.com"
        clock.at += REFRESH_GRACE + timedelta(seconds=1)
        with pytest.raises(RefreshTokenReused):
            await auth.refresh(pair.refresh_token)
        with pytest.raises(RefreshTokenReused):
            await auth.refresh(results[0].refresh_token)
    finally:
        await platform.close()
