"""In-memory idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.ports.idempotency import Claim, IdempotencyStore


class MemoryIdempotencyStore(IdempotencyStore):
    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, datetime, dict[str, Any] | None]] = {}

    async def claim(self, scope: str, fingerprint: str, now: datetime, expires_at: datetime) -> Claim:
        held = self._entries.get(scope)
        if held is not None and (held[2] is not None or held[1] > now):
            return Claim(False, held[0], held[2])
        self._entries[scope] = (fingerprint, expires_at, None)
        return Claim(True, fingerprint)

    async def complete(self, scope: str, response: dict[str, Any]) -> None:
        fingerprint, expires_at, _ = self._entries[scope]
        self._entries[scope] = (fingerprint, expires_at, response)

    async def release(self, scope: str) -> None:
        self._entries.pop(scope, None)
