"""In-memory idempotency keys (one process: the in-memory platform and unit tests)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from promptsaas.adapters.persistence.memory.store import MemoryStore
from promptsaas.application.ports.idempotency import Claim, IdempotencyStore

PURGE_EVERY = 100
"""Forget expired entries every this many claims, so memory follows the keys still held."""

Entry = tuple[str, datetime, dict[str, Any] | None]
"""(fingerprint, held until, the answer once the request finished)."""


class MemoryIdempotencyStore(IdempotencyStore):
    def __init__(self, purge_every: int = PURGE_EVERY, store: MemoryStore | None = None) -> None:
        """`store`: shared with the in-memory ledger, which stores a settled call's reply (see `KeptReply`)."""
        self._entries: dict[tuple[str, str], Entry] = store.idempotency if store is not None else {}
        self._purge_every = purge_every
        self._claims = 0

    async def claim(self, tenant_id: str, scope: str, fingerprint: str, now: datetime, expires_at: datetime) -> Claim:
        self._claims += 1
        if self._claims % self._purge_every == 0:
            await self.purge(now)
        held = self._entries.get((tenant_id, scope))
        if held is not None and held[1] > now:
            return Claim(False, held[0], held[2])
        self._entries[(tenant_id, scope)] = (fingerprint, expires_at, None)
        return Claim(True, fingerprint)

    async def complete(self, tenant_id: str, scope: str, response: dict[str, Any], keep_until: datetime) -> None:
        held = self._entries.get((tenant_id, scope))
        if held is not None:
            self._entries[(tenant_id, scope)] = (held[0], keep_until, response)

    async def release(self, tenant_id: str, scope: str) -> None:
        held = self._entries.get((tenant_id, scope))
        if held is not None and held[2] is None:  # an answered call keeps its answer
            del self._entries[(tenant_id, scope)]

    async def held(self, tenant_id: str, scopes: Collection[str], now: datetime) -> set[str]:
        return {s for s in scopes if (entry := self._entries.get((tenant_id, s))) is not None and entry[1] > now}

    async def purge(self, now: datetime) -> int:
        """Forget the entries that no longer hold their key; how many."""
        expired = [key for key, (_, until, _) in self._entries.items() if until <= now]
        for key in expired:
            del self._entries[key]
        return len(expired)
