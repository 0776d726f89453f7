"""The in-memory quota ledger, with the same all-or-nothing semantics as the SQL one.

Each operation runs without awaiting in between and under a lock, so no two reservations interleave.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from adapters.persistence.memory.store import MemoryStore
from application.ports.quota import QuotaLedger
from domain.quota import Counter, CounterKey, Reservation
from domain.usage import UsageRecord


class MemoryQuotaLedger(QuotaLedger):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._lock = threading.Lock()

    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        counters = self._store.counters
        return {k: counters[(tenant_id, k)] for k in keys if (tenant_id, k) in counters}

    async def reserve(self, reservation: Reservation) -> bool:
        counters = self._store.counters
        with self._lock:
            for item in reservation.items:
                counter = counters.get((reservation.tenant_id, item.key), Counter())
                if item.limit is not None and counter.total + item.amount > item.limit:
                    return False
            for item in reservation.items:
                key = (reservation.tenant_id, item.key)
                counter = counters.get(key, Counter())
                counters[key] = replace(counter, reserved=counter.reserved + item.amount)
            self._store.reservations[reservation.id] = reservation
        return True

    async def settle(
        self, tenant_id: str, reservation_id: str, charges: Mapping[CounterKey, int], record: UsageRecord
    ) -> None:
        with self._lock:
            reservation = self._take(tenant_id, reservation_id)
            counters = self._store.counters
            for item in reservation.items if reservation else ():
                key = (tenant_id, item.key)
                counter = counters[key]
                counters[key] = Counter(counter.used + charges.get(item.key, 0), counter.reserved - item.amount)
            self._store.usage.rows[(tenant_id, record.id)] = record

    async def release(self, tenant_id: str, reservation_id: str, record: UsageRecord | None = None) -> None:
        with self._lock:
            self._undo(self._take(tenant_id, reservation_id))
            if record is not None:
                self._store.usage.rows[(tenant_id, record.id)] = record

    async def sweep(self, now: datetime) -> int:
        with self._lock:
            expired = [r for r in self._store.reservations.values() if r.expires_at <= now]
            for reservation in expired:
                self._undo(self._take(reservation.tenant_id, reservation.id))
        return len(expired)

    async def pending(self, tenant_id: str | None = None) -> int:
        return sum(1 for r in self._store.reservations.values() if tenant_id in (None, r.tenant_id))

    def _take(self, tenant_id: str, reservation_id: str) -> Reservation | None:
        reservation = self._store.reservations.get(reservation_id)
        if reservation is None or reservation.tenant_id != tenant_id:
            return None
        return self._store.reservations.pop(reservation_id)

    def _undo(self, reservation: Reservation | None) -> None:
        counters = self._store.counters
        for item in reservation.items if reservation else ():
            key = (reservation.tenant_id, item.key) if reservation else ("", item.key)
            counter = counters[key]
            counters[key] = replace(counter, reserved=counter.reserved - item.amount)
