"""Idempotency keys: a retried request with the same key gets the first answer and is charged once."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Claim:
    """`claimed`: this request runs. Otherwise `response` is the first answer (None while it still runs)."""

    claimed: bool
    fingerprint: str = ""
    response: dict[str, Any] | None = None


class IdempotencyStore(Protocol):
    @abstractmethod
    async def claim(self, scope: str, fingerprint: str, now: datetime, expires_at: datetime) -> Claim:
        """Atomically take the key, unless another request holds it (and its claim has not expired)."""

    @abstractmethod
    async def complete(self, scope: str, response: dict[str, Any]) -> None: ...

    @abstractmethod
    async def release(self, scope: str) -> None:
        """Drop a claim whose request failed, so a retry runs again."""
