"""A process-local cache of read-mostly tenant data: agent setups, plans, users and their subscriptions, tenants,
API keys, and the principals access tokens stand for (with their token epoch).

Every change to these writes an audit entry, and the audit trail drops the tenant's entries in this process at
once and again when the change commits (a request may have cached the old rows in between); changes made by other
processes arrive through a `ChangeFeed` (see `follow_changes`), and show within `ttl` seconds at worst. A load that
was under way when its tenant was invalidated is returned but not kept. It keeps the hot path's reads off the
database.
"""

from __future__ import annotations

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

    async def get(self, tenant_id: str, key: Any, load: Callable[[], Awaitable[T]]) -> T:
        """The cached value, or `load()`'s (cached unless the ttl is zero)."""
        now = time.monotonic()
        hit = self._entries.get((tenant_id, key))
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        generation = self._generations.get(tenant_id, 0)
        value = await load()
        if self._ttl > 0 and self._generations.get(tenant_id, 0) == generation:
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
