"""`tenant.stream(...)` in the library: the reply's pieces as the model writes them, then `.reply`, on the async
handle and its synchronous twin; a denial before any text; leaving early settles at once."""

from __future__ import annotations

import pytest

from promptsaas.domain.errors import AccessDenied
from promptsaas.domain.usage import Outcome, UsageRecord
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant, Platform

FAST = Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1)
CATALOG = {
    "agents": [{"slug": "tutor", "name": "Tutor", "prompt": {"system": "You are a tutor.", "model": "offline:echo"}}],
    "plans": [
        {
            "code": "free",
            "default": True,
            "agents": "all",
            "limits": [{"metric": "requests", "window": "day", "amount": 2}],
        }
    ],
}
ANN = "ann@example.com"


async def _records(platform: AsyncPlatform, tenant: AsyncTenant) -> list[UsageRecord]:
    async with platform.container.uow()() as uow:
        return await uow.usage.records(await tenant.id())


async def _pending(platform: AsyncPlatform, tenant: AsyncTenant) -> int:
    return await platform.container.ledger().pending(await tenant.id())


async def _acme(platform: AsyncPlatform) -> AsyncTenant:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(CATALOG)
    await acme.create_user(ANN)
    return acme


async def test_streaming_gives_the_reply_in_pieces_then_the_settled_reply() -> None:
    async with AsyncPlatform.in_memory(FAST) as platform:
        acme = await _acme(platform)
        stream = acme.stream(ANN, "tutor", "What is 2+2?")
        pieces = [piece async for piece in stream]

        assert len(pieces) > 1, "word by word"
        assert "".join(pieces) == stream.reply.text == "You said: What is 2+2?"
        [record] = await _records(platform, acme)
        assert (stream.reply.usage.input_tokens, stream.reply.usage.output_tokens) == (
            record.input_tokens,
            record.output_tokens,
        )
        assert [limit.remaining for limit in stream.reply.limits] == [1]
        again = acme.stream(ANN, "tutor", "And 3+3?", conversation_id=stream.reply.conversation_id)
        assert "".join([piece async for piece in again]) == "You said: And 3+3?"
        assert again.reply.conversation_id == stream.reply.conversation_id


async def test_a_denied_stream_raises_before_any_text() -> None:
    async with AsyncPlatform.in_memory(FAST) as platform:
        acme = await _acme(platform)
        for _ in range(2):
            await acme.chat(ANN, "tutor", "hi")
        stream = acme.stream(ANN, "tutor", "One more?")

        with pytest.raises(AccessDenied) as denied:
            await anext(stream)

        assert denied.value.code == "quota_exceeded"


async def test_the_reply_is_unknown_until_every_piece_was_read() -> None:
    async with AsyncPlatform.in_memory(FAST) as platform:
        acme = await _acme(platform)
        async with acme.stream(ANN, "tutor", "What is 2+2?") as stream:
            await anext(stream)
            with pytest.raises(RuntimeError, match="every piece"):
                _ = stream.reply


async def test_leaving_a_stream_early_settles_it_charged_for_the_text_delivered() -> None:
    async with AsyncPlatform.in_memory(FAST) as platform:
        acme = await _acme(platform)
        async with acme.stream(ANN, "tutor", "tell me a long story please") as stream:
            first = await anext(stream)

        assert first
        assert await _pending(platform, acme) == 0
        [record] = await _records(platform, acme)
        assert (record.outcome, record.error_code, record.charged_requests) == (Outcome.OK, "client_disconnected", 1)
        assert record.output_tokens == -(-len(first) // 4)


def test_the_sync_twin_streams_with_a_plain_for_loop() -> None:
    with Platform.in_memory(FAST) as platform:
        acme = platform.create_tenant("acme")
        acme.apply_catalog(CATALOG)
        acme.create_user(ANN)
        stream = acme.stream(ANN, "tutor", "What is 2+2?")
        pieces = list(stream)

        assert len(pieces) > 1
        assert "".join(pieces) == stream.reply.text == "You said: What is 2+2?"
        acme.chat(ANN, "tutor", "hi")
        with pytest.raises(AccessDenied, match="quota"):
            list(acme.stream(ANN, "tutor", "One more?"))
