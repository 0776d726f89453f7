"""In-memory billing store, with the same first-wins inserts and single claim as the SQL one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.store import Journal, Table
from promptsaas.application.ports.billing_store import BillingRepository, InboxEntry, InboxStatus, SealedPaymentKeys
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.billing import Payment, refunded_per_charge
from promptsaas.domain.subscriptions import Subscription


class MemoryBilling(BillingRepository):
    def __init__(self, rows: Table, subscriptions: Table, journal: Journal) -> None:
        self._rows = rows
        self._subs = subscriptions
        self._journal = journal

    def _insert_new(self, key: tuple[str, ...], row: object) -> bool:
        if self._rows.get(key) is not None:
            return False
        self._rows.put(self._journal, key, row)
        return True

    async def store_event(self, entry: InboxEntry) -> bool:
        due = replace(entry, next_attempt_at=entry.next_attempt_at or entry.received_at)
        return self._insert_new(("inbox", entry.tenant_id, entry.provider, entry.event_id), due)

    async def claim_event(
        self, tenant_id: str, provider: str, event_id: str, status: InboxStatus, at: datetime, note: str | None
    ) -> bool:
        entry = await self.event(tenant_id, provider, event_id)
        if entry is None or entry.status is not InboxStatus.PENDING:
            return False
        key = ("inbox", tenant_id, provider, event_id)
        self._rows.put(self._journal, key, replace(entry, status=status, applied_at=at, note=note))
        return True

    async def annotate_event(self, tenant_id: str, provider: str, event_id: str, note: str) -> None:
        entry = await self.event(tenant_id, provider, event_id)
        if entry is not None:
            self._rows.put(self._journal, ("inbox", tenant_id, provider, event_id), replace(entry, note=note))

    async def postpone_event(
        self, tenant_id: str, provider: str, event_id: str, next_attempt_at: datetime, note: str
    ) -> None:
        entry = await self.event(tenant_id, provider, event_id)
        if entry is not None and entry.status is InboxStatus.PENDING:
            later = replace(entry, attempts=entry.attempts + 1, next_attempt_at=next_attempt_at, note=note[:500])
            self._rows.put(self._journal, ("inbox", tenant_id, provider, event_id), later)

    async def pending_events(self, now: datetime, limit: int) -> list[InboxEntry]:
        found = [
            r
            for r in self._rows.values()
            if isinstance(r, InboxEntry) and r.status is InboxStatus.PENDING and _due(r) <= now
        ]
        return sorted(found, key=lambda e: (_due(e), e.received_at))[:limit]

    async def backlog(self) -> InboxBacklog:
        found = [
            r.received_at for r in self._rows.values() if isinstance(r, InboxEntry) and r.status is InboxStatus.PENDING
        ]
        return InboxBacklog(len(found), min(found, default=None))

    async def event(self, tenant_id: str, provider: str, event_id: str) -> InboxEntry | None:
        found = self._rows.get(("inbox", tenant_id, provider, event_id))
        return found if isinstance(found, InboxEntry) else None

    async def add_payment(self, payment: Payment) -> bool:
        if not self._insert_new(("payment-ext", payment.tenant_id, payment.provider, payment.external_id), payment.id):
            return False
        self._rows.put(self._journal, ("payment", payment.tenant_id, payment.id), payment)
        return True

    async def payment(self, tenant_id: str, payment_id: str) -> Payment | None:
        found = self._rows.get(("payment", tenant_id, payment_id))
        return found if isinstance(found, Payment) else None

    async def refunded(self, tenant_id: str, charge_id: str) -> int:
        return refunded_per_charge(await self.payments(tenant_id)).get(charge_id, 0)

    async def payments(
        self,
        tenant_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
        after: tuple[datetime, str] | None = None,
        limit: int | None = None,
    ) -> list[Payment]:
        found = [
            p
            for p in self._rows.values()
            if isinstance(p, Payment)
            and p.tenant_id == tenant_id
            and (since is None or p.created_at >= since)
            and (until is None or p.created_at < until)
        ]
        return window(found, lambda p: (p.created_at, p.id), after, limit)

    async def customer_id(self, tenant_id: str, provider: str, user_id: str) -> str | None:
        found = self._rows.get(("customer", tenant_id, provider, user_id))
        return str(found) if found else None

    async def customer_user(self, tenant_id: str, provider: str, customer_id: str) -> str | None:
        found = self._rows.get(("customer-user", tenant_id, provider, customer_id))
        return str(found) if found else None

    async def put_customer(self, tenant_id: str, provider: str, user_id: str, customer_id: str) -> None:
        if self._insert_new(("customer", tenant_id, provider, user_id), customer_id):
            self._insert_new(("customer-user", tenant_id, provider, customer_id), user_id)

    async def subscription_by_ref(self, tenant_id: str, provider: str, ref: str) -> Subscription | None:
        found = [s for s in await self.provider_subscriptions(tenant_id, provider) if s.provider_ref == ref]
        return max(found, key=lambda s: s.current_period_start) if found else None

    async def add_subscription_once(self, subscription: Subscription) -> bool:
        ref = subscription.provider_ref
        if ref and await self.subscription_by_ref(subscription.tenant_id, subscription.provider, ref) is not None:
            return False
        self._subs.put(self._journal, (subscription.tenant_id, subscription.id), subscription)
        return True

    async def provider_subscriptions(self, tenant_id: str, provider: str) -> list[Subscription]:
        subs = [s for s in self._subs.values() if s.tenant_id == tenant_id and s.provider == provider]
        return sorted(subs, key=lambda s: s.id)

    async def keys(self, tenant_id: str, provider: str) -> SealedPaymentKeys | None:
        found = self._rows.get(("keys", tenant_id, provider))
        return found if isinstance(found, SealedPaymentKeys) else None

    async def put_keys(self, keys: SealedPaymentKeys) -> None:
        self._rows.put(self._journal, ("keys", keys.tenant_id, keys.provider), keys)


def _due(entry: InboxEntry) -> datetime:
    return entry.next_attempt_at or entry.received_at
