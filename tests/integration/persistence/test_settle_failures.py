"""A call whose settlement fails after the model answered (the provider was paid) leaks nothing: its reservation is
released and an `error` usage record keeps the real token counts."""

from __future__ import annotations

import pytest

from promptsaas.application.ports.llm import Completion, LlmProvider, LlmRequest
from promptsaas.application.ports.quota import Settlement
from promptsaas.domain.usage import Outcome
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.integration.persistence.platforms import AGENT, EMAIL, catalog, open_platform, set_up

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class Says(LlmProvider):
    def __init__(self, text: str) -> None:
        self.text = text

    async def complete(self, request: LlmRequest) -> Completion:
        return Completion(self.text, 11, 7)


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"migrated_{request.param}_url"))


async def assert_released_with_an_error_record(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    assert await platform.container.ledger().pending() == 0
    [plan] = await tenant.limits(EMAIL)
    assert [v.used for v in plan.limits] == [0]
    async with platform.container.uow()() as uow:
        records = await uow.usage.records(await tenant.id())
    assert [(r.outcome, r.error_code, r.input_tokens, r.output_tokens) for r in records] == [
        (Outcome.ERROR, "settle_failed", 11, 7)
    ]
    assert await platform.reconcile_quota() == []


async def test_a_settlement_that_fails_releases_the_reservation_and_records_the_tokens(database_url: str) -> None:
    platform, _ = await open_platform(database_url, model=Says("fine"))
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 5)))
        ledger = platform.container.ledger()
        settle = ledger.settle

        async def fail_once(settlement: Settlement) -> None:
            ledger.settle = settle  # type: ignore[method-assign]
            raise ConnectionError("the database went away mid-settlement")

        ledger.settle = fail_once  # type: ignore[method-assign]
        with pytest.raises(ConnectionError):
            await tenant.chat(EMAIL, AGENT, "hello")
        await assert_released_with_an_error_record(platform, tenant)


@pytest.mark.postgres
async def test_a_nul_byte_postgresql_refuses_to_store_releases_the_reservation(migrated_postgres_url: str) -> None:
    """The library takes any text; the new conversation's title (its first message) cannot hold a NUL byte."""
    platform, _ = await open_platform(migrated_postgres_url, model=Says("fine"))
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 5)))
        with pytest.raises(Exception, match="0x00"):
            await tenant.chat(EMAIL, AGENT, "bad \x00 byte")
        await assert_released_with_an_error_record(platform, tenant)
