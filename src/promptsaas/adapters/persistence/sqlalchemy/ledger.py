"""The SQL quota ledger: exact under concurrency on SQLite and PostgreSQL.

A reservation holds every item in one short transaction, each with one conditional UPDATE
(`reserved = reserved + :n WHERE <key> AND used + reserved + :n <= :limit`). PostgreSQL's row lock, and SQLite's
IMMEDIATE transactions, make two callers see each other's holds, so the last unit is never sold twice. Counter rows
are created on demand by an INSERT ... ON CONFLICT DO NOTHING. Items are visited in key order, so two reservations
never wait on each other's rows crosswise. A refused reservation gives back the holds it made, and its row, before
its transaction commits.

A settlement claims the reservation by deleting it, charges its counters, and appends the usage record, the
conversation turn and an Idempotency-Key's reply in the same transaction. The writes run on the driver connection
(`hot_statements`): they are most of a call's database work. On PostgreSQL they are pipelined: a reservation's row
and holds go in one round trip, a settlement batch's claims in one and the rest of its writes in another.

Both are group-committed (`group_commit`): those that arrive while a transaction is being written are written
together in the next, in arrival order, each caller answered once its own is committed. Settlements always;
reservations on an SQLite file only, whose writers take turns anyway: on PostgreSQL a batch would lock different
subscriptions' counter rows in arrival order, and two workers' batches could wait on each other crosswise, so each
reservation has its own transaction there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.group_commit import GroupCommit
from promptsaas.adapters.persistence.sqlalchemy.hot_statements import DriverTransaction, HotStatements
from promptsaas.adapters.persistence.sqlalchemy.idempotency import KEEP_ANSWER, entry_key
from promptsaas.adapters.persistence.sqlalchemy.mapping import activity as m
from promptsaas.adapters.persistence.sqlalchemy.statements import first_read
from promptsaas.application.ports.quota import QuotaLedger, Settlement
from promptsaas.domain.conversations import Exchange
from promptsaas.domain.quota import Counter, CounterKey, Reservation, ReservationItem

log = logging.getLogger(__name__)
_c = t.quota_counters
_r = t.reservations
_KEY = (
    _c.c.tenant_id == bindparam("k_tenant"),
    _c.c.subscription_id == bindparam("k_subscription"),
    _c.c.metric == bindparam("k_metric"),
    _c.c.window == bindparam("k_window"),
    _c.c.window_start == bindparam("k_start"),
)
_HOLD = update(_c).where(*_KEY).values(reserved=_c.c.reserved + bindparam("n")).returning(_c.c.used, _c.c.reserved)
_HOLD_WITHIN = _HOLD.where(_c.c.used + _c.c.reserved + bindparam("n") <= bindparam("limit"))
_CHARGE = update(_c).where(*_KEY).values(used=_c.c.used + bindparam("charge"), reserved=_c.c.reserved - bindparam("n"))
_TOUCH = (
    update(t.conversations)
    .where(t.conversations.c.tenant_id == bindparam("k_tenant"), t.conversations.c.id == bindparam("k_id"))
    .values(updated_at=bindparam("at"))
)
_TAKE = delete(_r).where(_r.c.tenant_id == bindparam("k_tenant"), _r.c.id == bindparam("k_id")).returning(_r.c["items"])
_ADD_RESERVATION = insert(_r)
_ADD_RECORD = insert(t.usage_records).inline()  # inline: no RETURNING of the new `seq`, which nothing reads
_ADD_CONVERSATION = insert(t.conversations)
_ADD_MESSAGES = insert(t.messages).inline()
_UNHOLD = update(_c).where(*_KEY).values(reserved=_c.c.reserved - bindparam("n"))
_EXPIRE = delete(_r).where(_r.c.expires_at <= bindparam("now")).returning(_r.c.tenant_id, _r.c["items"])


def key_params(tenant_id: str, key: CounterKey) -> dict[str, Any]:
    return {
        "k_tenant": tenant_id,
        "k_subscription": key.subscription_id,
        "k_metric": key.metric.value,
        "k_window": key.window.value,
        "k_start": key.window_start,
    }


def in_key_order(items: Iterable[ReservationItem]) -> list[ReservationItem]:
    return sorted(items, key=_order)


def _order(item: ReservationItem) -> tuple[Any, ...]:
    return (item.key.subscription_id, item.key.metric, item.key.window, item.key.window_start)


class SqlQuotaLedger(QuotaLedger):
    def __init__(self, database: Database) -> None:
        self._database = database
        self._statements = HotStatements(database)
        self._settlements: GroupCommit[Settlement, DriverTransaction, None] = GroupCommit(
            self._statements.transaction, _settle_all
        )
        self._reservations = (
            GroupCommit(self._statements.transaction, self._reserve_all, abandoned=self._give_back)
            if database.writer_turn is not None
            else None
        )
        dialect = postgresql if database.dialect == "postgresql" else sqlite
        self._create_counter = dialect.insert(_c).on_conflict_do_nothing(
            index_elements=[_c.c.tenant_id, _c.c.subscription_id, _c.c.metric, _c.c.window, _c.c.window_start]
        )

    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        wanted = list(keys)
        if not wanted:
            return {}
        columns = tuple_(_c.c.subscription_id, _c.c.metric, _c.c.window, _c.c.window_start)
        query = select(_c).where(
            _c.c.tenant_id == tenant_id,
            columns.in_([(k.subscription_id, k.metric.value, k.window.value, k.window_start) for k in wanted]),
        )
        async with self._database.connect() as conn:
            rows = (await first_read(conn, query)).mappings().all()
        return {m.counter_key_of(r): Counter(int(r["used"]), int(r["reserved"])) for r in rows}

    async def reserve(self, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        """On an SQLite file, group-committed with the reservations that arrive meanwhile. On PostgreSQL, each in a
        transaction of its own: its row and every hold sent at once (one round trip); should a hold find no room or
        no counter, that transaction is rolled back, which lets go of the rows it locked, and the reservation is made
        item by item in key order (`_reserve`)."""
        if self._reservations is not None:
            return await self._reservations.submit(reservation)
        async with self._statements.transaction() as tx:
            if (held := await self._reserve_at_once(tx, reservation)) is not None:
                return held
            await tx.rollback()
        async with self._statements.transaction() as tx:
            return await self._reserve(tx, reservation)

    async def _reserve_all(
        self, tx: DriverTransaction, reservations: Sequence[Reservation]
    ) -> list[dict[CounterKey, Counter] | None]:
        return [await self._reserve(tx, reservation) for reservation in reservations]

    async def _reserve_at_once(
        self, tx: DriverTransaction, reservation: Reservation
    ) -> dict[CounterKey, Counter] | None:
        """The reservation's row and every hold in one go; None unless every hold was made."""
        await tx.execute(_ADD_RESERVATION, _reservation_row(reservation))
        items = in_key_order(reservation.items)
        held = await tx.execute_each([_hold_statement(reservation.tenant_id, item) for item in items])
        if not all(held):
            return None
        return {item.key: _counter_before(rows[0], item) for item, rows in zip(items, held, strict=True)}

    async def _reserve(self, tx: DriverTransaction, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        """The reservation's row first, then the holds: on PostgreSQL a counter's row stays locked from its hold to
        the commit, and every call of a subscription holds the same rows, so nothing else runs in between. Refused,
        it gives back what it held, and its row."""
        tenant_id, before = reservation.tenant_id, {}
        await tx.execute(_ADD_RESERVATION, _reservation_row(reservation))
        held: list[ReservationItem] = []
        for item in in_key_order(reservation.items):
            counter = await self._hold(tx, tenant_id, item)
            if counter is None:
                await _unhold(tx, tenant_id, held)
                await _take(tx, tenant_id, reservation.id)
                return None
            held.append(item)
            before[item.key] = counter
        return before

    async def _give_back(self, reservation: Reservation, held: dict[CounterKey, Counter] | None) -> None:
        """A reservation made for a caller that left before it heard back: nobody will settle it, so it is undone
        at once rather than held until it expires (which the sweep still handles if this fails)."""
        if held is None:
            return
        try:
            async with self._statements.transaction() as tx:
                await _unhold(tx, reservation.tenant_id, await _take(tx, reservation.tenant_id, reservation.id))
        except Exception:
            log.warning("reservation %s stays held until it expires", reservation.id, exc_info=True)

    async def _hold(self, tx: DriverTransaction, tenant_id: str, item: ReservationItem) -> Counter | None:
        """Add the item to its counter if it fits and return the counter as it was; a missing counter is created (at
        zero) and tried once more."""
        statement, params = _hold_statement(tenant_id, item)
        held = await tx.execute(statement, params)
        if not held:
            await tx.execute(self._create_counter, {**m.counter_key_row(tenant_id, item.key), "used": 0, "reserved": 0})
            held = await tx.execute(statement, params)
        return _counter_before(held[0], item) if held else None

    async def settle(self, settlement: Settlement) -> None:
        """Committed with the settlements that finish while the previous ones are being written (`group_commit`)."""
        await self._settlements.submit(settlement)

    async def sweep(self, now: datetime) -> int:
        """Release every expired reservation's holds, all counters in key order (as settlements charge them), so a
        sweep and a call never wait on each other's rows crosswise."""
        async with self._statements.transaction() as tx:
            expired = await tx.execute(_EXPIRE, {"now": now})
            held = [(tenant_id, item) for tenant_id, items in expired for item in m.items_of(items)]
            held.sort(key=lambda h: (h[0], *_order(h[1])))
            await tx.execute_many(_UNHOLD, [{**key_params(tenant_id, i.key), "n": i.amount} for tenant_id, i in held])
        return len(expired)

    async def pending(self, tenant_id: str | None = None) -> int:
        query = select(func.count().label("n")).select_from(_r)
        if tenant_id is not None:
            query = query.where(_r.c.tenant_id == tenant_id)
        async with self._database.connect() as conn:
            return int((await first_read(conn, query)).scalar_one())


async def _settle_all(tx: DriverTransaction, settlements: Sequence[Settlement]) -> list[None]:
    """Claim each reservation, append the records, the conversation turns and the kept replies, and last charge all
    the counters in key order (so concurrent batches never wait on each other's rows crosswise, and the counters'
    rows, which every call of a subscription shares, stay locked only until the commit that follows)."""
    claiming = [s for s in settlements if s.reservation_id]
    taken = await tx.execute_each([(_TAKE, {"k_tenant": s.tenant_id, "k_id": s.reservation_id}) for s in claiming])
    charges = []
    for settlement, rows in zip(claiming, taken, strict=True):
        tenant_id, charged = settlement.tenant_id, settlement.charges
        items = m.items_of(rows[0][0]) if rows else ()
        charges += [
            ((tenant_id, *_order(i)), {**key_params(tenant_id, i.key), "charge": charged.get(i.key, 0), "n": i.amount})
            for i in items
        ]
    await tx.execute_many(_ADD_RECORD, [m.usage_row(s.record, None if s.failed else s.charges) for s in settlements])
    await _write(tx, [s.exchange for s in settlements if s.exchange is not None])
    for settlement in settlements:
        if (kept := settlement.reply) is not None:
            answer = {"answer": dict(kept.response), "keep_until": kept.keep_until}
            await tx.execute(KEEP_ANSWER, {**entry_key(settlement.tenant_id, kept.scope), **answer})
    await tx.execute_many(_CHARGE, [params for _, params in sorted(charges, key=lambda c: c[0])])
    await tx.flush()  # a statement that failed fails the batch here, which is then retried one settlement at a time
    return [None] * len(settlements)


def _reservation_row(reservation: Reservation) -> dict[str, Any]:
    return {
        "tenant_id": reservation.tenant_id,
        "id": reservation.id,
        "items": m.items_json(reservation.items),
        "expires_at": reservation.expires_at,
    }


def _hold_statement(tenant_id: str, item: ReservationItem) -> tuple[Any, dict[str, Any]]:
    """The hold of one item: within its limit when it has one."""
    params = {**key_params(tenant_id, item.key), "n": item.amount}
    if item.limit is None:
        return _HOLD, params
    return _HOLD_WITHIN, {**params, "limit": item.limit}


def _counter_before(held: tuple[Any, ...], item: ReservationItem) -> Counter:
    """The counter as it was before the hold, from the hold's RETURNING (used, reserved)."""
    return Counter(int(held[0]), int(held[1]) - item.amount)


async def _take(tx: DriverTransaction, tenant_id: str, reservation_id: str) -> tuple[ReservationItem, ...]:
    """Claim a reservation by deleting it: whoever deletes it (a settlement or the sweep) undoes its holds."""
    taken = await tx.execute(_TAKE, {"k_tenant": tenant_id, "k_id": reservation_id})
    return m.items_of(taken[0][0]) if taken else ()


async def _unhold(tx: DriverTransaction, tenant_id: str, items: Sequence[ReservationItem]) -> None:
    await tx.execute_many(_UNHOLD, [{**key_params(tenant_id, i.key), "n": i.amount} for i in in_key_order(items)])


async def _write(tx: DriverTransaction, exchanges: Sequence[Exchange]) -> None:
    """New conversations first (their messages refer to them), the others' `updated_at`, then every message."""
    await tx.execute_many(_ADD_CONVERSATION, [m.conversation_row(e.conversation) for e in exchanges if e.is_new])
    touched = [
        {"k_tenant": e.conversation.tenant_id, "k_id": e.conversation.id, "at": e.messages[-1].created_at}
        for e in exchanges
        if not e.is_new
    ]
    await tx.execute_many(_TOUCH, touched)
    await tx.execute_many(_ADD_MESSAGES, [m.message_row(message) for e in exchanges for message in e.messages])
