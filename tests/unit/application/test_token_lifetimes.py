"""Token lifetimes come from the environment: `PROMPTSAAS_ACCESS_TOKEN_MINUTES` and `PROMPTSAAS_REFRESH_TOKEN_DAYS`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import FakeClock

from promptsaas.domain.errors import InvalidToken
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

PASSWORD = "correct horse battery"
ENV = {
    "PROMPTSAAS_DATABASE_URL": "memory://",
    "PROMPTSAAS_PASSWORD_MEMORY_KIB": "1024",
    "PROMPTSAAS_PASSWORD_TIME_COST": "1",
    "PROMPTSAAS_SECRET_KEY": "t" * 40,
    "PROMPTSAAS_ACCESS_TOKEN_MINUTES": "5",
    "PROMPTSAAS_REFRESH_TOKEN_DAYS": "7",
}


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env(ENV)


async def test_the_environment_sets_how_long_access_and_refresh_tokens_live(
    platform: AsyncPlatform, tenant: AsyncTenant, clock: FakeClock
) -> None:
    await tenant.create_user("cat@example.com", password=PASSWORD)
    auth = platform.container.auth()
    pair = await auth.login(await tenant.id(), "cat@example.com", PASSWORD)
    assert pair.expires_in == 5 * 60

    clock.advance(timedelta(minutes=5, seconds=1))
    with pytest.raises(InvalidToken, match="expired"):
        await auth.authenticate(pair.access_token)
    renewed = await auth.refresh(pair.refresh_token)

    clock.advance(timedelta(days=7, seconds=1))
    with pytest.raises(InvalidToken, match="expired"):
        await auth.refresh(renewed.refresh_token)


def test_the_defaults_are_15_minutes_and_30_days() -> None:
    settings = Settings.from_env({})

    assert (settings.access_token_ttl_seconds, settings.refresh_token_ttl_days) == (15 * 60, 30)


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "soon"])
@pytest.mark.parametrize("name", ["PROMPTSAAS_ACCESS_TOKEN_MINUTES", "PROMPTSAAS_REFRESH_TOKEN_DAYS"])
def test_a_lifetime_that_is_not_a_positive_whole_number_stops_the_start(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a whole number above 0, got '{value}'"):
        Settings.from_env({name: value})
