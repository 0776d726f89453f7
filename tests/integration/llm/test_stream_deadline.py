"""A streamed reply cannot outlive the reservation that funds it: it ends with `llm_timeout` before the reservation
expires, is charged for what it delivered, and no other call takes the quota it held meanwhile."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from promptsaas.application.messages import InboundMessage
from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import AccessDenied, LlmTimeout
from promptsaas.domain.usage import UsageRecord
from promptsaas.entrypoints.library import AsyncPlatform
from tests.integration.llm.conftest import catalog, fast_settings
from tests.support.llm_stub import LlmStub, Reply

ANN = "ann@example.com"
TTL_SECONDS = 2
WORDS = 40
CHUNK_DELAY = 0.1
"""Forty words a tenth of a second apart: a four-second stream, twice the reservation's lifetime."""


@pytest.fixture(params=["memory", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'deadline.db'}"


async def test_a_stream_longer_than_its_reservation_ends_in_time_and_the_quota_holds(
    sdk_env: LlmStub, database_url: str
) -> None:
    settings = replace(fast_settings(reservation_ttl_seconds=TTL_SECONDS), llm_max_retries=0, database_url=database_url)
    document = catalog()
    document["plans"][0]["limits"] = [{"metric": "requests", "window": "day", "amount": 1}]
    async with AsyncPlatform.open(database_url, settings=settings) as platform:
        acme = await platform.create_tenant("acme", name="Acme Inc.")
        await acme.apply_catalog(document)
        ann = await acme.create_user(ANN)
        sdk_env.script(Reply(" ".join(["word"] * WORDS), chunk_delay=CHUNK_DELAY))
        message = InboundMessage(await acme.id(), ann.id, Channel.API, "gpt", "Tell me a long story")
        delivered: list[str] = []

        async def read_the_stream() -> None:
            async for event in platform.container.conversations().stream(message):
                if isinstance(event, str):
                    delivered.append(event)

        streaming = asyncio.create_task(read_the_stream())
        await asyncio.sleep(TTL_SECONDS + 0.5)
        sdk_env.script(Reply("a second answer"))
        with pytest.raises(AccessDenied):
            await acme.chat(ANN, "gpt", "And another one")
        with pytest.raises(LlmTimeout):
            await streaming

        assert 0 < len(delivered) < WORDS
        async with platform.container.uow()() as uow:
            records: list[UsageRecord] = await uow.usage.records(await acme.id())
        [record] = records
        assert (record.error_code, record.output_tokens > 0) == ("llm_timeout", True)
        assert await platform.container.ledger().pending() == 0
