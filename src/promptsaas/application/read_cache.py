"""A process-local cache of read-mostly tenant data: agent setups, plans, users and their subscriptions, tenants,
API keys, and the principals access tokens stand for (with their token epoch).

Every change to these writes an audit entry, and the audit trail drops the tenant's entries in this process at
once and again when the change commits (a request may have cached the old rows in between); changes made by other
processes arrive through a `ChangeFeed` (see `follow_changes`), and show within `ttl` seconds at worst. A load that
was under way when its tenant was invalidated is returned but not kept. It keeps the hot path's reads off the
database.

An entry is loaded once however many requests miss it together: those that arrive while it loads wait for that
load (in a task of its own, so a caller that leaves does not cancel it for the others), as long as the tenant was
not invalidated meanwhile. Under load every concurrent request used to miss an expired entry at once and load it
again, about one call in twenty at 32 connections.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from promptsaas.application.ports.changes import ChangeFeed

T = TypeVar("T")
DEFAULT_TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000


class ReadCache:
    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        self._ttl = ttl_seconds
        self._entries: dict[tuple[str, Any], tuple[float, Any]] = {}
        self._generations: dict[str, int] = {}
        self._loading: dict[tuple[str, Any, int], asyncio.Future[Any]] = {}

    async def get(self, tenant_id: str, key: Any, load: Callable[[], Awaitable[T]]) -> T:
        """The cached value, or `load()`'s (cached unless the ttl is zero), or the one under way for this entry."""
        now = time.monotonic()
        hit = self._entries.get((tenant_id, key))
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        if self._ttl <= 0:
            return await load()
        flight = (tenant_id, key, self._generations.get(tenant_id, 0))
        loading = self._loading.get(flight)
        if loading is None:
            loading = self._loading[flight] = asyncio.ensure_future(self._load(flight, now, load))
            loading.add_done_callback(_retrieved)
        return await asyncio.shield(loading)

    async def _load(self, flight: tuple[str, Any, int], now: float, load: Callable[[], Awaitable[T]]) -> T:
        tenant_id, key, generation = flight
        try:
            value = await load()
        finally:
            del self._loading[flight]
        if self._generations.get(tenant_id, 0) == generation:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[(tenant_id, key)] = (now + self._ttl, value)
        return value

    def invalidate(self, tenant_id: str) -> None:
        self._generations[tenant_id] = self._generations.get(tenant_id, 0) + 1
        for entry in [k for k in self._entries if k[0] == tenant_id]:
            del self._entries[entry]


async def follow_changes(cache: ReadCache, feed: ChangeFeed) -> None:
    """Drop a tenant's entries whenever any process commits a change to it; runs until cancelled."""
    await feed.follow(cache.invalidate)


def _retrieved(done: asyncio.Future[Any]) -> None:
    """A load whose callers all left: its error is theirs to see, not the event loop's to report."""
    if not done.cancelled():
        done.exception()
