"""Providers' raw streams as bytes arrive from the network: events split anywhere, CRLF lines, error events."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from promptsaas.adapters.llm import anthropic_wire
from promptsaas.adapters.llm.faults import InvalidResponse
from promptsaas.adapters.llm.openai_wire import chunks, reply
from promptsaas.adapters.llm.streams import ProviderStreamError

EVENTS = (
    b'data: {"choices":[{"delta":{"content":"Par"}}]}\r\n\r\n'
    b'data: {"choices":[{"delta":{"content":"is"}}]}\n\n'
    b'data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2}}\n\n'
    b"data: [DONE]\n\n"
    b'data: {"choices":[{"delta":{"content":"after the end"}}]}\n\n'
)


async def arriving(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("size", [1, 7, 64, len(EVENTS)])
async def test_a_stream_read_in_any_pieces_gives_the_same_text_and_usage(size: int) -> None:
    got = [chunk async for chunk in chunks(arriving(EVENTS, size))]
    text = "".join(choice.delta.content or "" for chunk in got for choice in chunk.choices)
    assert text == "Paris"
    assert [(u.prompt_tokens, u.completion_tokens) for c in got if (u := c.usage)] == [(7, 2)]


async def test_an_error_event_mid_stream_raises_after_the_text_before_it() -> None:
    body = b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"error":{"message":"overloaded"}}\n\n'
    seen: list[str | None] = []

    async def read() -> None:
        async for chunk in chunks(arriving(body, 5)):
            seen.append(chunk.choices[0].delta.content)

    with pytest.raises(ProviderStreamError, match="overloaded"):
        await read()
    assert seen == ["Hi"]


async def test_a_last_event_without_a_newline_is_still_read() -> None:
    got = [chunk async for chunk in chunks(arriving(b'data: {"choices":[{"delta":{"content":"x"}}]}', 3))]
    assert got[0].choices[0].delta.content == "x"


@pytest.mark.parametrize("body", [b"not json", b'{"choices": []}', b'{"choices": [{"message": 3}]}'])
def test_a_plain_answer_of_the_wrong_shape_is_an_invalid_response(body: bytes) -> None:
    with pytest.raises(InvalidResponse):
        reply(body)


ANTHROPIC_EVENTS = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"usage":{"input_tokens":5,"cache_read_input_tokens":100,'
    b'"output_tokens":1}}}\n\n'
    b'event: ping\ndata: {"type": "ping"}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"text_delta","text":"Hi"}}\n\n'
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
    b'"usage":{"output_tokens":9}}\n\n'
    b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
)


async def test_anthropic_events_carry_text_and_cached_input_tokens_until_an_error_event() -> None:
    seen: list[anthropic_wire.Event] = []

    async def read() -> None:
        async for event in anthropic_wire.events(arriving(ANTHROPIC_EVENTS, 11)):
            seen.append(event)

    with pytest.raises(ProviderStreamError, match="Overloaded"):
        await read()
    assert [e.type for e in seen] == ["message_start", "ping", "content_block_delta", "message_delta"]
    assert seen[0].message is not None
    assert seen[0].message.usage.all_input_tokens == 105
    assert seen[2].delta is not None
    assert seen[2].delta.text == "Hi"
