"""`Idempotency-Key` on the OpenAI surface: a retry, whole or streamed, replays the first completion with the same id
and is charged once; a stream cut short keeps nothing, so its retry runs anew."""

from __future__ import annotations

import openai
import pytest

from tests.e2e.openai.conftest import Served
from tests.support.llm_stub import Reply

ASK = [{"role": "user", "content": "tell me"}]


def _key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


async def _streamed(client: openai.AsyncOpenAI, key: str) -> tuple[set[str], str]:
    stream = await client.chat.completions.create(model="gpt", messages=ASK, stream=True, extra_headers=_key(key))  # type: ignore[arg-type]
    ids: set[str] = set()
    text = ""
    async for chunk in stream:
        ids.add(chunk.id)
        text += "".join(c.delta.content or "" for c in chunk.choices)
    return ids, text


async def test_a_retried_completion_returns_the_same_completion_and_is_charged_once(served: Served) -> None:
    served.stub.script(Reply("The first answer.", input_tokens=20, output_tokens=3), Reply("A second answer."))
    client = served.client()

    first = await client.chat.completions.create(model="gpt", messages=ASK, extra_headers=_key("k-plain"))  # type: ignore[arg-type]
    retry = await client.chat.completions.create(model="gpt", messages=ASK, extra_headers=_key("k-plain"))  # type: ignore[arg-type]

    assert retry.id == first.id
    assert retry.choices[0].message.content == first.choices[0].message.content == "The first answer."
    assert len(served.stub.received) == 1
    assert len(await served.records()) == 1


async def test_a_retried_stream_replays_the_first_completion_as_a_stream_and_is_charged_once(served: Served) -> None:
    served.stub.script(Reply("one two three", input_tokens=20, output_tokens=3), Reply("something else"))
    client = served.client()

    first_ids, first_text = await _streamed(client, "k-stream")
    retry_ids, retry_text = await _streamed(client, "k-stream")
    other_ids, _ = await _streamed(client, "k-other")
    whole = await client.chat.completions.create(model="gpt", messages=ASK, extra_headers=_key("k-stream"))  # type: ignore[arg-type]

    assert first_text == retry_text == "one two three"
    assert len(first_ids) == 1
    assert retry_ids == first_ids, "the replay carries the first completion's id"
    assert other_ids != first_ids
    assert whole.choices[0].message.content == "one two three", "a plain retry gets the streamed completion whole"
    assert len(served.stub.received) == 2, "only the first call under each key reached the model"
    assert len(await served.records()) == 2
    assert await served.pending() == 0


async def test_a_stream_cut_short_keeps_nothing_so_its_retry_runs_anew(served: Served) -> None:
    story = " ".join(f"word{i}" for i in range(40))
    served.stub.script(Reply(story, chunk_delay=0.05), Reply("the whole reply"))
    client = served.client()
    stream = await client.chat.completions.create(model="gpt", messages=ASK, stream=True, extra_headers=_key("k-cut"))  # type: ignore[arg-type]
    async for chunk in stream:
        if any(c.delta.content for c in chunk.choices):
            break
    await stream.close()
    await served.settled()

    _, text = await _streamed(client, "k-cut")

    assert text == "the whole reply"
    assert len(served.stub.received) == 2


async def test_the_same_key_on_a_different_conversation_or_parameters_is_refused(served: Served) -> None:
    client = served.client()
    earlier = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}, *ASK]
    await client.chat.completions.create(model="gpt", messages=ASK, extra_headers=_key("k-same"))  # type: ignore[arg-type]

    for changed in ({"messages": earlier}, {"messages": ASK, "temperature": 0.1}):
        with pytest.raises(openai.BadRequestError) as refused:
            await client.chat.completions.create(model="gpt", extra_headers=_key("k-same"), **changed)  # type: ignore[call-overload]
        assert (refused.value.code, refused.value.param) == ("idempotency_key_reused", "Idempotency-Key")
    assert len(served.stub.received) == 1
