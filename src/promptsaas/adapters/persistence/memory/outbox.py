"""The messenger outbox in this process, for the in-memory platform; the same rules as the SQL one."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime

from promptsaas.application.ports.messenger import Answer
from promptsaas.application.ports.outbox import OutboxEntry, OutboxState, OutboxStore


class MemoryOutboxStore(OutboxStore):
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], OutboxEntry] = {}
        self._lock = asyncio.Lock()

    async def keep(self, entry: OutboxEntry) -> None:
        self._entries[(entry.tenant_id, entry.id)] = entry

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int = 50) -> list[OutboxEntry]:
        async with self._lock:
            due = [e for e in self._entries.values() if e.state is OutboxState.PENDING and e.due_at <= now]
            claimed = [replace(e, due_at=lease_until, attempts=e.attempts + 1) for e in sorted(due, key=_age)[:limit]]
            for entry in claimed:
                self._entries[(entry.tenant_id, entry.id)] = entry
        return claimed

    async def retry_later(self, tenant_id: str, entry_id: str, at: datetime, answer: Answer, error: str) -> None:
        entry = self._entries[(tenant_id, entry_id)]
        self._entries[(tenant_id, entry_id)] = replace(entry, due_at=at, answer=answer, error=error)

    async def finish(
        self, tenant_id: str, entry_id: str, state: OutboxState, at: datetime, error: str | None = None
    ) -> None:
        entry = self._entries[(tenant_id, entry_id)]
        self._entries[(tenant_id, entry_id)] = replace(
            entry, state=state, finished_at=at, error=error if error is not None else entry.error
        )

    async def entries(self, tenant_id: str, limit: int = 100) -> list[OutboxEntry]:
        mine = [e for e in self._entries.values() if e.tenant_id == tenant_id]
        return sorted(mine, key=_age, reverse=True)[:limit]


def _age(entry: OutboxEntry) -> tuple[datetime, str]:
    return entry.created_at, entry.id
