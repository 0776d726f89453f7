"""A streamed reply in the library: iterate its text pieces as the model writes them, then read `.reply`.

`AsyncReplyStream` is what `AsyncTenant.stream` returns; `ReplyStream` is its synchronous twin (`SyncTenant.stream`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self

from promptsaas.application.messages import Reply
from promptsaas.entrypoints.library_loop import LoopThread


class AsyncReplyStream:
    """The text pieces of one reply (`async for piece in stream`); once they are exhausted, `stream.reply` is the
    settled `Reply` (usage, limits, conversation id). Leaving early: `await stream.aclose()`, or use it in
    `async with`, so the call is settled at once, charged for the text delivered."""

    def __init__(self, events: AsyncIterator[str | Reply]) -> None:
        self._events = events
        self._reply: Reply | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        if self._reply is not None:
            raise StopAsyncIteration
        event = await anext(self._events)
        if isinstance(event, Reply):
            self._reply = event
            raise StopAsyncIteration
        return event

    @property
    def reply(self) -> Reply:
        """The whole reply, once every piece was read; before that, a `RuntimeError`."""
        if self._reply is None:
            raise RuntimeError("the reply is known once every piece of the stream was read")
        return self._reply

    async def aclose(self) -> None:
        await self._events.aclose()  # type: ignore[attr-defined]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class ReplyStream:
    """`AsyncReplyStream` for synchronous code: `for piece in stream`, then `stream.reply`; `close()` or `with`
    to leave early. Each piece is awaited on the platform's private loop."""

    def __init__(self, loop: LoopThread, stream: AsyncReplyStream) -> None:
        self._loop = loop
        self._stream = stream

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> str:
        piece = self._loop.run(_next_piece(self._stream))
        if piece is None:
            raise StopIteration
        return piece

    @property
    def reply(self) -> Reply:
        return self._stream.reply

    def close(self) -> None:
        self._loop.run(self._stream.aclose())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


async def _next_piece(stream: AsyncReplyStream) -> str | None:
    """The next piece, or None at the end (a coroutine cannot let `StopAsyncIteration` cross the loop's future)."""
    try:
        return await anext(stream)
    except StopAsyncIteration:
        return None
