"""Idempotency keys: a retried request with the same key gets the first answer and is charged once.

An entry holds its key until its `expires_at`: a running request's claim for a short while, a finished request's
answer for a day (see `application.idempotency`). After that the key is free again, and stores may forget it.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection
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
    async def claim(self, tenant_id: str, scope: str, fingerprint: str, now: datetime, expires_at: datetime) -> Claim:
        """Atomically take the key, unless an entry holds it beyond `now`: of concurrent claims, exactly one wins.

        `fingerprint` is a digest of the request (at most 64 characters), returned to the losers to compare.
        """

    @abstractmethod
    async def complete(self, tenant_id: str, scope: str, response: dict[str, Any], keep_until: datetime) -> None:
        """Store the answer (JSON-compatible), given to every retry until `keep_until`."""

    @abstractmethod
    async def release(self, tenant_id: str, scope: str) -> None:
        """Drop a claim whose request failed, so a retry runs again; an entry that holds an answer stays."""

    @abstractmethod
    async def held(self, tenant_id: str, scopes: Collection[str], now: datetime) -> set[str]:
        """Which of `scopes` an entry holds beyond `now` (a request still running, or its answer kept)."""
