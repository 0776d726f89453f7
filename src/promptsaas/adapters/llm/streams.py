"""A provider's stream as the port gives it: opened under the retry policy, then relayed with typed errors.

Only opening is retried (nothing has been delivered yet); a fault after the first delta ends the stream with its
`LlmError`, since a retry would repeat text the caller already has.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, TypeVar

from promptsaas.adapters.llm.faults import Fault, RetryPolicy, call_with_retries
from promptsaas.application.ports.llm import StreamEvent


class Closable(Protocol):
    async def close(self) -> None: ...


S = TypeVar("S", bound=Closable)


async def relay(
    provider: str,
    open_stream: Callable[[], Awaitable[S]],
    events: Callable[[S], AsyncIterator[StreamEvent]],
    classify: Callable[[Exception], Fault | None],
    policy: RetryPolicy,
) -> AsyncIterator[StreamEvent]:
    """Open the SDK's stream (retried within the deadline), yield its events, and always close it."""
    stream = await call_with_retries(provider, open_stream, classify, policy)
    try:
        async for event in events(stream):
            yield event
    except Exception as exc:
        fault = classify(exc)
        if fault is None:
            raise
        raise fault.error from None
    finally:
        await stream.close()


class RawStream:
    """A streamed answer's body, as it arrives, and how to let its connection go (`relay` closes it however the
    stream ends)."""

    def __init__(self, chunks: AsyncIterator[bytes], close: Callable[[], Awaitable[None]]) -> None:
        self.chunks = chunks
        self._close = close

    async def close(self) -> None:
        await self._close()


class ProviderStreamError(Exception):
    """The provider sent an error event after the stream had begun."""


async def sse_data(data: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Each `data:` line's payload, until `[DONE]`: both APIs send one JSON object per event, on one line."""
    pending = b""
    async for block in data:
        pending += block
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.startswith(b"data:"):
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    return
                yield payload
    if pending.startswith(b"data:") and (payload := pending[5:].strip()) != b"[DONE]":
        yield payload
