"""SQL billing store: inserts that keep the first of duplicates (inbox, payments, customers) and a conditional
UPDATE that lets exactly one worker claim a pending event."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as a
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.adapters.persistence.sqlalchemy.statements import dialect_module
from promptsaas.application.ports.billing_store import BillingRepository, InboxEntry, InboxStatus, SealedPaymentKeys
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.billing import Payment, PaymentKind
from promptsaas.domain.subscriptions import Subscription

_i, _p, _c, _k, _s = t.billing_inbox, t.payments, t.billing_customers, t.payment_provider_keys, t.subscriptions
_EVENT = select(_i).where(*keyed(_i, "provider", "event_id"))
_PENDING = select(_i).where(_i.c.status == InboxStatus.PENDING.value).order_by(_i.c.next_attempt_at, _i.c.received_at)
_BACKLOG = select(func.count().label("depth"), func.min(_i.c.received_at).label("oldest_at")).where(
    _i.c.status == InboxStatus.PENDING.value
)
_PAYMENT = select(_p).where(*keyed(_p, "id"))
_REFUNDED = select(func.coalesce(func.sum(_p.c.amount), 0).label("amount")).where(
    *keyed(_p, "reference"), _p.c.kind == PaymentKind.REFUND.value
)
_CUSTOMER = select(_c.c.customer_id).where(*keyed(_c, "provider", "user_id"))
_CUSTOMER_USER = select(_c.c.user_id).where(*keyed(_c, "provider", "customer_id"))
_BY_REF = select(_s).where(*keyed(_s, "provider", "provider_ref")).order_by(_s.c.current_period_start.desc())
_OF_PROVIDER = select(_s).where(*keyed(_s, "provider")).order_by(_s.c.id)
_KEYS = select(_k).where(*keyed(_k, "provider"))


class SqlBilling(SqlRepository, BillingRepository):
    async def _inserted(self, table: Table, row: dict[str, Any]) -> bool:
        """Insert unless a row with the same unique key exists; True when inserted (RETURNING says so on every
        driver, where psycopg reports no row count for `ON CONFLICT DO NOTHING`)."""
        dialect = dialect_module(self._db.dialect)
        statement = dialect.insert(table).values(row).on_conflict_do_nothing().returning(table.c.tenant_id)
        await self._db.transaction.begin()
        return await self._db.row(statement) is not None

    async def store_event(self, entry: InboxEntry) -> bool:
        due = entry.next_attempt_at or entry.received_at
        row = {**asdict(entry), "status": entry.status.value, "next_attempt_at": due}
        return await self._inserted(_i, row)

    async def claim_event(
        self, tenant_id: str, provider: str, event_id: str, status: InboxStatus, at: datetime, note: str | None
    ) -> bool:
        statement = (
            update(_i)
            .where(_i.c.tenant_id == tenant_id, _i.c.provider == provider, _i.c.event_id == event_id)
            .where(_i.c.status == InboxStatus.PENDING.value)
            .values(status=status.value, applied_at=at, note=note)
        )
        return await self._db.write(statement) == 1

    async def annotate_event(self, tenant_id: str, provider: str, event_id: str, note: str) -> None:
        where = (_i.c.tenant_id == tenant_id, _i.c.provider == provider, _i.c.event_id == event_id)
        await self._db.write(update(_i).where(*where).values(note=note[:500]))

    async def postpone_event(
        self, tenant_id: str, provider: str, event_id: str, next_attempt_at: datetime, note: str
    ) -> None:
        statement = (
            update(_i)
            .where(_i.c.tenant_id == tenant_id, _i.c.provider == provider, _i.c.event_id == event_id)
            .where(_i.c.status == InboxStatus.PENDING.value)
            .values(attempts=_i.c.attempts + 1, next_attempt_at=next_attempt_at, note=note[:500])
        )
        await self._db.write(statement)

    async def pending_events(self, now: datetime, limit: int) -> list[InboxEntry]:
        due = _PENDING.where(_i.c.next_attempt_at <= now).limit(limit)
        return [_entry(r) for r in await self._db.rows(due)]

    async def backlog(self) -> InboxBacklog:
        row = await self._db.row(_BACKLOG)
        return InboxBacklog(int(row["depth"]), row["oldest_at"]) if row else InboxBacklog(0, None)

    async def event(self, tenant_id: str, provider: str, event_id: str) -> InboxEntry | None:
        row = await self._db.row(_EVENT, {"tenant_id": tenant_id, "provider": provider, "event_id": event_id})
        return _entry(row) if row else None

    async def add_payment(self, payment: Payment) -> bool:
        return await self._inserted(_p, {**asdict(payment), "kind": payment.kind.value})

    async def payment(self, tenant_id: str, payment_id: str) -> Payment | None:
        row = await self._db.row(_PAYMENT, {"tenant_id": tenant_id, "id": payment_id})
        return _payment(row) if row else None

    async def refunded(self, tenant_id: str, charge_id: str) -> int:
        row = await self._db.row(_REFUNDED, {"tenant_id": tenant_id, "reference": charge_id})
        return int(row["amount"]) if row else 0

    async def payments(
        self,
        tenant_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
        after: tuple[datetime, str] | None = None,
        limit: int | None = None,
    ) -> list[Payment]:
        query = select(_p).where(_p.c.tenant_id == tenant_id).order_by(_p.c.created_at, _p.c.id)
        if since is not None:
            query = query.where(_p.c.created_at >= since)
        if until is not None:
            query = query.where(_p.c.created_at < until)
        query = window(query, (_p.c.created_at, _p.c.id), after, limit)
        return [_payment(r) for r in await self._db.rows(query)]

    async def customer_id(self, tenant_id: str, provider: str, user_id: str) -> str | None:
        row = await self._db.row(_CUSTOMER, {"tenant_id": tenant_id, "provider": provider, "user_id": user_id})
        return str(row["customer_id"]) if row else None

    async def customer_user(self, tenant_id: str, provider: str, customer_id: str) -> str | None:
        params = {"tenant_id": tenant_id, "provider": provider, "customer_id": customer_id}
        row = await self._db.row(_CUSTOMER_USER, params)
        return str(row["user_id"]) if row else None

    async def put_customer(self, tenant_id: str, provider: str, user_id: str, customer_id: str) -> None:
        row = {"tenant_id": tenant_id, "provider": provider, "user_id": user_id, "customer_id": customer_id}
        await self._inserted(_c, row)

    async def subscription_by_ref(self, tenant_id: str, provider: str, ref: str) -> Subscription | None:
        row = await self._db.row(_BY_REF, {"tenant_id": tenant_id, "provider": provider, "provider_ref": ref})
        return a.subscription_of(row) if row else None

    async def add_subscription_once(self, subscription: Subscription) -> bool:
        return await self._inserted(_s, a.subscription_row(subscription))

    async def provider_subscriptions(self, tenant_id: str, provider: str) -> list[Subscription]:
        rows = await self._db.rows(_OF_PROVIDER, {"tenant_id": tenant_id, "provider": provider})
        return [a.subscription_of(r) for r in rows]

    async def keys(self, tenant_id: str, provider: str) -> SealedPaymentKeys | None:
        row = await self._db.row(_KEYS, {"tenant_id": tenant_id, "provider": provider})
        return SealedPaymentKeys(**{f.name: row[f.name] for f in fields(SealedPaymentKeys)}) if row else None

    async def put_keys(self, keys: SealedPaymentKeys) -> None:
        dialect = dialect_module(self._db.dialect)
        upsert = dialect.insert(_k).values(asdict(keys))
        replaced = ("key_id", "secret_ciphertext", "webhook_ciphertext", "updated_at")
        statement = upsert.on_conflict_do_update(
            index_elements=[_k.c.tenant_id, _k.c.provider], set_={n: upsert.excluded[n] for n in replaced}
        )
        await self._db.write(statement)


def _entry(r: Any) -> InboxEntry:
    values = {f.name: r[f.name] for f in fields(InboxEntry)}
    return InboxEntry(**{**values, "status": InboxStatus(r["status"]), "payload": bytes(r["payload"])})


def _payment(r: Any) -> Payment:
    values = {f.name: r[f.name] for f in fields(Payment)}
    return Payment(**{**values, "kind": PaymentKind(r["kind"])})
