"""The quota ledger: atomic reservations on counters, kept apart from the LLM call."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from domain.quota import Counter, CounterKey, Reservation
from domain.usage import UsageRecord


class QuotaLedger(Protocol):
    @abstractmethod
    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        """Current counters (missing ones are zero)."""

    @abstractmethod
    async def reserve(self, reservation: Reservation) -> bool:
        """Hold every item, all or nothing: an item passes only if `used + reserved + amount <= limit`."""

    @abstractmethod
    async def settle(
        self, tenant_id: str, reservation_id: str, charges: Mapping[CounterKey, int], record: UsageRecord
    ) -> None:
        """Move the reservation to `used` with the real amounts and write the usage record, in one transaction."""

    @abstractmethod
    async def release(self, tenant_id: str, reservation_id: str, record: UsageRecord | None = None) -> None:
        """Drop a reservation without charging; write the (error) usage record if one is given."""

    @abstractmethod
    async def sweep(self, now: datetime) -> int:
        """Release every reservation that expired before `now`; return how many."""

    @abstractmethod
    async def pending(self, tenant_id: str | None = None) -> int:
        """How many reservations are held (for checks and reports)."""
