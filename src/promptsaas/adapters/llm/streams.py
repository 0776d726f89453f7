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
