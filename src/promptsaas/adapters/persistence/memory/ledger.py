"""The in-memory quota ledger, with the same all-or-nothing semantics as the SQL one.

Each operation runs without awaiting in between and under a lock, so no two reservations interleave.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from promptsaas.adapters.persistence.memory.store import Journal, MemoryStore
from promptsaas.application.ports.quota import CounterDrift, QuotaLedger, QuotaReconciler, Settlement
from promptsaas.domain.conversations import Exchange
from promptsaas.domain.quota import Counter, CounterKey, Reservation


class MemoryQuotaLedger(QuotaLedger, QuotaReconciler):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._lock = threading.Lock()

    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        counters = self._store.counters
        return {k: counters[(tenant_id, k)] for k in keys if (tenant_id, k) in counters}

    async def reserve(self, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        counters = self._store.counters
        with self._lock:
            before = {
                item.key: counters.get((reservation.tenant_id, item.key), Counter()) for item in reservation.items
            }
            for item in reservation.items:
                if item.limit is not None and before[item.key].total + item.amount > item.limit:
                    return None
            for item in reservation.items:
                key = (reservation.tenant_id, item.key)
                counter = counters.get(key, Counter())
                counters[key] = replace(counter, reserved=counter.reserved + item.amount)
            self._store.reservations[reservation.id] = reservation
        return before

    async def settle(self, settlement: Settlement) -> None:
        tenant_id, record, charges = settlement.tenant_id, settlement.record, settlement.charges
        with self._lock:
            reservation = self._take(tenant_id, settlement.reservation_id) if settlement.reservation_id else None
            counters = self._store.counters
            for item in reservation.items if reservation else ():
                key = (tenant_id, item.key)
                counter = counters[key]
                counters[key] = Counter(counter.used + charges.get(item.key, 0), counter.reserved - item.amount)
            self._store.usage.rows[(tenant_id, record.id)] = record
            if not settlement.failed:
                self._store.charges[(tenant_id, record.id)] = dict(charges)
            if settlement.exchange is not None:
                self._write(settlement.exchange)
            held = self._store.idempotency.get((tenant_id, settlement.reply.scope)) if settlement.reply else None
            if settlement.reply is not None and held is not None:
                entry = (held[0], settlement.reply.keep_until, dict(settlement.reply.response))
                self._store.idempotency[(tenant_id, settlement.reply.scope)] = entry

    async def sweep(self, now: datetime) -> int:
        with self._lock:
            expired = [r for r in self._store.reservations.values() if r.expires_at <= now]
            for reservation in expired:
                self._undo(self._take(reservation.tenant_id, reservation.id))
        return len(expired)

    async def pending(self, tenant_id: str | None = None) -> int:
        return sum(1 for r in self._store.reservations.values() if tenant_id in (None, r.tenant_id))

    async def reconcile(self, tenant_id: str | None = None) -> list[CounterDrift]:
        """Counters against the charges of settled records and the items of held reservations."""
        used: dict[tuple[str, CounterKey], int] = defaultdict(int)
        reserved: dict[tuple[str, CounterKey], int] = defaultdict(int)
        for (owner, _), charges in self._store.charges.items():
            for key, amount in charges.items():
                used[(owner, key)] += amount
        for reservation in self._store.reservations.values():
            for item in reservation.items:
                reserved[(reservation.tenant_id, item.key)] += item.amount
        drifts = []
        for slot in self._store.counters.keys() | used.keys() | reserved.keys():
            if tenant_id is not None and slot[0] != tenant_id:
                continue
            counter = self._store.counters.get(slot, Counter())
            if (counter.used, counter.reserved) != (used[slot], reserved[slot]):
                counted, expected = (counter.used, counter.reserved), (used[slot], reserved[slot])
                drifts.append(CounterDrift.of(slot[0], slot[1], counted, expected))
        return sorted(drifts, key=lambda d: (d.tenant_id, d.subscription_id, d.metric, d.window, d.window_start))

    async def rebuild(self, tenant_id: str) -> int:
        with self._lock:
            drifts = await self.reconcile(tenant_id)
            for d in drifts:
                self._store.counters[(d.tenant_id, d.key)] = Counter(d.expected_used, d.expected_reserved)
        return len(drifts)

    def _write(self, exchange: Exchange) -> None:
        journal, conversation = Journal(), exchange.conversation
        key = (conversation.tenant_id, conversation.id)
        stored = conversation if exchange.is_new else self._store.conversations.get(key)
        if stored is not None:
            if not exchange.is_new:
                stored.updated_at = exchange.messages[-1].created_at
            self._store.conversations.put(journal, key, stored)
        for message in exchange.messages:
            self._store.messages.put(journal, (message.tenant_id, message.id), message)

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
