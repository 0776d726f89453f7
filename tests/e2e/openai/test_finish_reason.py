"""What an OpenAI client relies on beyond the text: `finish_reason` `length` for a reply cut at `max_tokens` (plain,
streamed and replayed), `stop` for a whole one; and a run's `finish_reason` likewise, kept on its usage record."""

from __future__ import annotations

import httpx
import openai

from tests.e2e.openai.conftest import Served
from tests.support.llm_stub import Reply

ASK = [{"role": "user", "content": "tell me everything about the sea"}]


async def _streamed_finish(client: openai.AsyncOpenAI, **extra: object) -> tuple[str, str | None]:
    """A streamed call's text and the finish reason of its last choice."""
    stream = await client.chat.completions.create(messages=ASK, stream=True, **extra)  # type: ignore[call-overload]
    text, finish = "", None
    async for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    return text, finish


async def test_a_reply_cut_at_max_tokens_finishes_with_length_and_a_whole_one_with_stop(served: Served) -> None:
    client = served.client()

    cut = await client.chat.completions.create(model="echo", messages=ASK, max_tokens=5)  # type: ignore[arg-type]
    cut_text, cut_streamed = await _streamed_finish(client, model="echo", max_tokens=5)
    whole = await client.chat.completions.create(model="echo", messages=ASK)  # type: ignore[arg-type]
    whole_text, whole_streamed = await _streamed_finish(client, model="echo")

    assert cut.choices[0].message.content == cut_text == "You said: tell me ev"
    assert cut.choices[0].finish_reason == cut_streamed == "length"
    assert whole.choices[0].message.content == whole_text == "You said: tell me everything about the sea"
    assert whole.choices[0].finish_reason == whole_streamed == "stop"


async def test_a_providers_length_reaches_the_client_plain_streamed_and_replayed(served: Served) -> None:
    served.stub.script(Reply("The sea is", finish_reason="length"), Reply("The sea is", finish_reason="length"))
    client = served.client()
    key = {"Idempotency-Key": "cut-once"}

    plain = await client.chat.completions.create(model="gpt", messages=ASK, extra_headers=key)  # type: ignore[arg-type]
    _, streamed = await _streamed_finish(client, model="gpt")
    _, replayed = await _streamed_finish(client, model="gpt", extra_headers=key)

    assert plain.choices[0].finish_reason == streamed == replayed == "length"
    assert len(served.stub.received) == 2, "the replay came from the kept reply"


async def test_a_run_says_why_its_reply_ended(served: Served) -> None:
    served.stub.script(Reply("The sea is", finish_reason="length"))
    headers = {"Authorization": f"Bearer {served.key}"}

    async with httpx.AsyncClient(base_url=served.url, headers=headers, timeout=10) as client:
        cut = await client.post("/v1/agents/gpt/runs", json={"input": "hi"}, headers={"X-Request-ID": "run-cut"})
        whole = await client.post("/v1/agents/echo/runs", json={"input": "hi"})

    assert cut.json()["finish_reason"] == "length"
    assert whole.json()["finish_reason"] == "stop"
    [record] = await served.tenant.calls_of_request("run-cut")
    assert record.finish_reason == "length"
