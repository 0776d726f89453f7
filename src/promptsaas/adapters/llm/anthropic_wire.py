"""Messages API answers read from the provider's raw bytes, not built into the SDK's pydantic models (see
`openai_wire`: the SDK sends the request and raises its typed errors; a 2xx body is read here with msgspec)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec

from promptsaas.adapters.llm.faults import InvalidResponse
from promptsaas.adapters.llm.streams import ProviderStreamError, sse_data


class Usage(msgspec.Struct):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None

    @property
    def all_input_tokens(self) -> int:
        """Input tokens including those written to or read from the prompt cache: all of them are billed."""
        return self.input_tokens + (self.cache_creation_input_tokens or 0) + (self.cache_read_input_tokens or 0)


class Block(msgspec.Struct):
    type: str
    text: str | None = None


class Message(msgspec.Struct):
    content: list[Block]
    usage: Usage
    stop_reason: str | None = None


class Started(msgspec.Struct):
    usage: Usage = msgspec.field(default_factory=Usage)


class Delta(msgspec.Struct):
    """A `content_block_delta`'s text, or a `message_delta`'s `stop_reason`."""

    type: str | None = None
    text: str | None = None
    stop_reason: str | None = None


class Problem(msgspec.Struct):
    message: str | None = None


class Event(msgspec.Struct):
    """One streamed event; which fields it has depends on its `type` (`message_start`, `content_block_delta`,
    `message_delta`, `error`, ...)."""

    type: str
    message: Started | None = None
    delta: Delta | None = None
    usage: Usage | None = None
    error: Problem | None = None


_MESSAGE = msgspec.json.Decoder(Message)
_EVENT = msgspec.json.Decoder(Event)


def message(body: bytes) -> Message:
    try:
        return _MESSAGE.decode(body)
    except msgspec.MsgspecError as exc:
        raise InvalidResponse(str(exc)) from None


async def events(data: AsyncIterator[bytes]) -> AsyncIterator[Event]:
    """The events of a server-sent event stream until its end; an `error` event raises `ProviderStreamError`."""
    async for payload in sse_data(data):
        try:
            event = _EVENT.decode(payload)
        except msgspec.MsgspecError as exc:
            raise InvalidResponse(str(exc)) from None
        if event.type == "error":
            raise ProviderStreamError(event.error.message if event.error and event.error.message else "error event")
        yield event
