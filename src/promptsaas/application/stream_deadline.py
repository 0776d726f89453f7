"""A streamed reply ends before the reservation that funds it expires: an expired reservation no longer counts, so a
stream that outlived it would let another call take the quota it still spends.

The stream gets until its reservation's expiry less a margin (a tenth of its lifetime, at most 30 s) to settle in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TypeVar

from promptsaas.domain.errors import LlmTimeout

MAX_MARGIN_SECONDS = 30.0
"""Time kept back before the reservation expires, for the settlement of what was delivered."""

T = TypeVar("T")


def stream_budget(expires_at: datetime | None, now: datetime) -> float | None:
    """Seconds a stream funded by a reservation expiring at `expires_at` may run; `None` when nothing expires."""
    if expires_at is None:
        return None
    left = (expires_at - now).total_seconds()
    return left - min(MAX_MARGIN_SECONDS, left / 10)


async def within(events: AsyncIterator[T], seconds: float | None) -> AsyncIterator[T]:
    """The events of `events` for `seconds` at most, then `LlmTimeout`; the source is closed either way."""
    if seconds is None:
        async for event in events:
            yield event
        return
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    try:
        while True:
            try:
                async with asyncio.timeout_at(end):  # around the wait for the provider only, never the yield
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise LlmTimeout(f"the reply took longer than the {seconds:.0f} s its reservation allows") from None
            yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
