"""Chat Completions answers read from the provider's raw bytes, not built into the SDK's pydantic models.

The SDK still sends the request (keys, timeouts, typed errors for error statuses); only the body of a 2xx is read
here, with msgspec, into the few fields the platform uses. Building the SDK's models took about a millisecond per
call and again per streamed chunk, most of the adapter's cost and of the time to first token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec

from promptsaas.adapters.llm.faults import InvalidResponse
from promptsaas.adapters.llm.streams import ProviderStreamError, sse_data


class Usage(msgspec.Struct):
    prompt_tokens: int
    completion_tokens: int


class Message(msgspec.Struct):
    content: str | None = None
    refusal: str | None = None


class Choice(msgspec.Struct):
    message: Message
    finish_reason: str | None = None


class Reply(msgspec.Struct):
    choices: list[Choice]
    usage: Usage | None = None


class Delta(msgspec.Struct):
    content: str | None = None
    refusal: str | None = None


class ChunkChoice(msgspec.Struct):
    delta: Delta = msgspec.field(default_factory=Delta)
    finish_reason: str | None = None


class StreamError(msgspec.Struct):
    message: str | None = None


class Chunk(msgspec.Struct):
    choices: list[ChunkChoice] = msgspec.field(default_factory=list)
    usage: Usage | None = None
    error: StreamError | None = None


_REPLY = msgspec.json.Decoder(Reply)
_CHUNK = msgspec.json.Decoder(Chunk)


def reply(body: bytes) -> Reply:
    """A non-streamed answer; a body without choices or of the wrong shape is an `InvalidResponse`."""
    try:
        answer = _REPLY.decode(body)
    except msgspec.MsgspecError as exc:
        raise InvalidResponse(str(exc)) from None
    if not answer.choices:
        raise InvalidResponse("no choices")
    return answer


async def chunks(data: AsyncIterator[bytes]) -> AsyncIterator[Chunk]:
    """The chunks of a server-sent event stream, until `[DONE]` or its end; an error event raises."""
    async for payload in sse_data(data):
        try:
            chunk = _CHUNK.decode(payload)
        except msgspec.MsgspecError as exc:
            raise InvalidResponse(str(exc)) from None
        if chunk.error is not None:
            raise ProviderStreamError(chunk.error.message or "an error occurred during streaming")
        yield chunk
