"""The quota promise for streams: reserved before the first token, settled after the last, and a stream cut short
(the client leaves, or the provider fails) charges what was delivered and leaves no reservation behind."""

from __future__ import annotations

import asyncio

import openai
import pytest

from promptsaas.domain.usage import Outcome
from tests.e2e.openai.conftest import Served
from tests.support.llm_stub import Reply

ASK = [{"role": "user", "content": "tell me a long story"}]
STORY = " ".join(f"word{i}" for i in range(40))


async def test_a_client_leaving_mid_stream_is_charged_for_what_was_sent_and_leaves_no_reservation(
    served: Served,
) -> None:
    served.stub.script(Reply(STORY, input_tokens=30, output_tokens=40, chunk_delay=0.05))
    stream = await served.client().chat.completions.create(model="gpt", messages=ASK, stream=True)  # type: ignore[arg-type]
    received = ""
    async for chunk in stream:
        received += "".join(c.delta.content or "" for c in chunk.choices)
        if received.count("word") >= 3:
            break
    await stream.close()
    await served.settled()
    assert await served.pending() == 0
    [record] = await served.records()
    assert (record.outcome, record.error_code) == (Outcome.OK, "client_disconnected")
    assert record.charged_requests == 1
    assert -(-len(received) // 4) <= record.output_tokens < -(-len(STORY) // 4), "what was generated, not the story"


async def test_a_provider_error_mid_stream_ends_it_with_an_error_event_and_charges_what_was_delivered(
    served: Served,
) -> None:
    served.stub.script(Reply("one two three four", input_tokens=30, output_tokens=4, fail_after_words=2))
    stream = await served.client().chat.completions.create(model="gpt", messages=ASK, stream=True)  # type: ignore[arg-type]
    received: list[str] = []

    async def read() -> None:
        async for chunk in stream:
            received.extend(c.delta.content or "" for c in chunk.choices)

    with pytest.raises(openai.APIError, match="failed while streaming"):
        await read()

    assert "".join(received) == "one two "
    await served.settled()
    assert await served.pending() == 0
    [record] = await served.records()
    assert (record.outcome, record.error_code) == (Outcome.OK, "llm_unavailable")
    assert record.output_tokens == 2, "'one two ' at four characters a token"


async def test_a_provider_failing_before_the_first_token_charges_nothing(served: Served) -> None:
    served.stub.fail(401)

    with pytest.raises(openai.APIStatusError) as failed:
        await served.client().chat.completions.create(model="gpt", messages=ASK, stream=True)  # type: ignore[arg-type]

    assert (failed.value.status_code, failed.value.code) == (502, "llm_auth_failed")
    [record] = await served.records()
    assert (record.output_tokens, record.charged_requests, record.error_code) == (0, 0, "llm_auth_failed")
    assert await served.pending() == 0


@pytest.mark.parametrize("requests_per_day", [20])
async def test_a_hundred_concurrent_streams_against_a_limit_of_twenty_admit_exactly_twenty(served: Served) -> None:
    client = served.client()

    async def call() -> str:
        stream = await client.chat.completions.create(model="echo", messages=ASK, stream=True)  # type: ignore[arg-type]
        return "".join([c.delta.content or "" async for chunk in stream for c in chunk.choices])

    results = await asyncio.gather(*(call() for _ in range(100)), return_exceptions=True)

    admitted = [r for r in results if isinstance(r, str)]
    denied = [r for r in results if isinstance(r, openai.APIStatusError)]
    assert len(admitted) == 20
    assert all(text == "You said: tell me a long story" for text in admitted)
    assert len(denied) == 80
    assert {d.code for d in denied} == {"quota_exceeded"}
    assert len([r for r in await served.records() if r.outcome is Outcome.OK]) == 20
    assert await served.pending() == 0
