"""Checking and rebuilding the SQL quota counters from the usage records' charges and the open reservations."""

from __future__ import annotations

from collections import Counter as Tally
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.ledger import key_params
from promptsaas.adapters.persistence.sqlalchemy.mapping import activity as m
from promptsaas.application.ports.quota import CounterDrift, QuotaReconciler
from promptsaas.domain.quota import CounterKey

_c = t.quota_counters
Slot = tuple[str, CounterKey]
"""A counter of one tenant."""


class SqlQuotaReconciler(QuotaReconciler):
    def __init__(self, database: Database) -> None:
        self._database = database

    async def reconcile(self, tenant_id: str | None = None) -> list[CounterDrift]:
        async with self._database.connect() as conn:
            return await _drifts(conn, tenant_id)

    async def rebuild(self, tenant_id: str) -> int:
        async with self._database.transaction() as tx:
            conn = tx.conn
            if self._database.dialect == "postgresql":
                # Hold counter writers off while they are rewritten: a reserve or settle waits, then applies its
                # delta on top of the rebuilt value.
                await conn.execute(text("LOCK TABLE quota_counters IN SHARE ROW EXCLUSIVE MODE"))
            drifts = await _drifts(conn, tenant_id)
            for d in drifts:
                values = {"used": d.expected_used, "reserved": d.expected_reserved}
                changed = await conn.execute(
                    update(_c).where(*_key(d.tenant_id, d.key)).values(values),
                )
                if not changed.rowcount:
                    await conn.execute(insert(_c), {**m.counter_key_row(d.tenant_id, d.key), **values})
        return len(drifts)


def _key(tenant_id: str, key: CounterKey) -> list[Any]:
    params = key_params(tenant_id, key)
    return [
        _c.c.tenant_id == params["k_tenant"],
        _c.c.subscription_id == params["k_subscription"],
        _c.c.metric == params["k_metric"],
        _c.c.window == params["k_window"],
        _c.c.window_start == params["k_start"],
    ]


async def _drifts(conn: AsyncConnection, tenant_id: str | None) -> list[CounterDrift]:
    used, reserved = Tally[Slot](), Tally[Slot]()
    records = select(t.usage_records.c.tenant_id, t.usage_records.c.charges).where(
        t.usage_records.c.charges.is_not(None)
    )
    holds = select(t.reservations.c.tenant_id, t.reservations.c["items"])
    counters = select(_c)
    if tenant_id is not None:
        records = records.where(t.usage_records.c.tenant_id == tenant_id)
        holds = holds.where(t.reservations.c.tenant_id == tenant_id)
        counters = counters.where(_c.c.tenant_id == tenant_id)
    for owner, charges in await conn.execute(records):
        for key, amount in m.charges_of(charges).items():
            used[(owner, key)] += amount
    for owner, items in await conn.execute(holds):
        for item in m.items_of(items):
            reserved[(owner, item.key)] += item.amount
    stored = {
        (r["tenant_id"], m.counter_key_of(r)): (int(r["used"]), int(r["reserved"]))
        for r in (await conn.execute(counters)).mappings()
    }
    drifts = []
    for slot in sorted(stored.keys() | used.keys() | reserved.keys(), key=_slot_order):
        now_used, now_reserved = stored.get(slot, (0, 0))
        if (now_used, now_reserved) != (used[slot], reserved[slot]):
            drifts.append(CounterDrift.of(slot[0], slot[1], (now_used, now_reserved), (used[slot], reserved[slot])))
    return drifts


def _slot_order(slot: Slot) -> tuple[str, str, str, str, str]:
    tenant, key = slot
    return tenant, key.subscription_id, key.metric.value, key.window.value, key.window_start.isoformat()
