"""Settlements that finish together are committed together: each caller is answered only once its own is stored,
one bad settlement fails only its caller, and a caller that gives up still has its settlement stored. Reservations
made together (on SQLite, in one transaction) stay exact, and one whose caller left is given back."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.ledger import SqlQuotaLedger
from promptsaas.adapters.persistence.sqlalchemy.tables import reservations
from promptsaas.adapters.persistence.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from promptsaas.application.ports.quota import QuotaLedger, Settlement
from promptsaas.domain.plans import Metric
from promptsaas.domain.quota import Counter, CounterKey
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import key, reservation, usage

REQUESTS = key()
TOKENS = key(metric=Metric.TOKENS)
CALLS = 12


async def reserved(backend: Backend, count: int) -> list[Settlement]:
    settlements = []
    for n in range(count):
        assert await backend.ledger.reserve(reservation("t1", f"r{n}", (REQUESTS, 1, 100)))
        settlements.append(Settlement(usage("t1", f"u-{n}"), f"r{n}", {REQUESTS: 1}))
    return settlements


async def stored_records(backend: Backend) -> set[str]:
    """The records a second process would see: read on the database opened anew."""
    assert backend.database is not None
    other = Database(str(backend.database.url))
    try:
        async with SqlUnitOfWorkFactory(other)() as uow:
            return {r.id for r in await uow.usage.records("t1")}
    finally:
        await other.dispose()


async def test_each_caller_returns_once_its_own_settlement_is_stored(sql: Backend) -> None:
    settlements = await reserved(sql, CALLS)
    seen_on_return: dict[str, set[str]] = {}

    async def settle(settlement: Settlement) -> None:
        await sql.ledger.settle(settlement)
        seen_on_return[settlement.record.id] = await stored_records(sql)

    await asyncio.gather(*(settle(s) for s in settlements))
    for record_id, stored in seen_on_return.items():
        assert record_id in stored
    assert await sql.counter("t1", REQUESTS) == Counter(CALLS, 0)
    assert await sql.ledger.pending() == 0


async def test_one_bad_settlement_among_concurrent_ones_fails_only_its_caller(sql: Backend) -> None:
    settlements = await reserved(sql, CALLS)
    assert await sql.ledger.reserve(reservation("t1", "r-dup", (REQUESTS, 1, 100)))
    duplicate = Settlement(usage("t1", "u-3"), "r-dup", {REQUESTS: 1})  # a record id another settlement writes
    outcomes = await asyncio.gather(*(sql.ledger.settle(s) for s in [*settlements, duplicate]), return_exceptions=True)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failed) == 1
    assert isinstance(failed[0], IntegrityError)
    assert await stored_records(sql) == {f"u-{n}" for n in range(CALLS)}
    assert await sql.counter("t1", REQUESTS) == Counter(CALLS, 1)  # the failed one's hold waits for the sweep
    assert await sql.ledger.pending() == 1


async def test_a_caller_that_gives_up_still_has_its_settlement_stored(sql: Backend) -> None:
    first, second = await reserved(sql, 2)
    ledger = sql.ledger
    assert isinstance(ledger, SqlQuotaLedger)
    running = asyncio.create_task(ledger.settle(first))
    queued = asyncio.create_task(ledger.settle(second))
    await asyncio.sleep(0)  # both submitted; the first is being written, the second waits for the next batch
    queued.cancel()
    await running
    with pytest.raises(asyncio.CancelledError):
        await queued
    await until_pending(ledger, 0)
    assert await stored_records(sql) == {"u-0", "u-1"}
    assert await sql.counter("t1", REQUESTS) == Counter(2, 0)


async def test_reservations_made_together_are_exact_and_each_caller_hears_back_once_its_own_is_stored(
    sql: Backend,
) -> None:
    """On SQLite these share transactions; a refused one (its second item does not fit) gives back its first."""
    ledger = sql.ledger
    seen_on_return: dict[str, set[str]] = {}

    async def reserve(name: str, *items: tuple[CounterKey, int, int | None]) -> bool:
        held = await ledger.reserve(reservation("t1", name, *items))
        seen_on_return[name] = await reservations_elsewhere(sql)
        return held is not None

    calls = [reserve(f"r{n}", (REQUESTS, 1, 5)) for n in range(CALLS)]
    calls.insert(2, reserve("too-big", (REQUESTS, 1, 5), (TOKENS, 500, 100)))
    assert sql.database is not None
    async with sql.database.transaction():  # a write under way: on SQLite the reservations queue up behind it
        tasks = [asyncio.create_task(call) for call in calls]
        await asyncio.sleep(0)
    admitted = await asyncio.gather(*tasks)
    assert sum(admitted) == 5
    assert not admitted[2]
    assert await sql.counter("t1", REQUESTS) == Counter(0, 5)
    assert await sql.counter("t1", TOKENS) == Counter()
    assert await ledger.pending() == 5
    for name, ok in zip(["r0", "r1", "too-big", *(f"r{n}" for n in range(2, CALLS))], admitted, strict=True):
        if ok:
            assert name in seen_on_return[name], f"{name} returned before its reservation was stored"


async def test_a_caller_that_leaves_while_its_reservation_waits_has_it_given_back(sql: Backend) -> None:
    ledger = sql.ledger
    assert sql.database is not None
    async with sql.database.transaction():  # a write under way: on SQLite the reservations wait for their turn
        running = asyncio.create_task(ledger.reserve(reservation("t1", "kept", (REQUESTS, 1, 100))))
        queued = asyncio.create_task(ledger.reserve(reservation("t1", "left", (REQUESTS, 1, 100))))
        await asyncio.sleep(0)
        queued.cancel()
    assert await running
    with pytest.raises(asyncio.CancelledError):
        await queued
    await until_pending(ledger, 1)
    assert await ledger.pending() == 1
    assert await sql.counter("t1", REQUESTS) == Counter(0, 1)


async def until_pending(ledger: QuotaLedger, count: int) -> None:
    """Wait (up to a second) until `count` reservations are pending: a caller that left is dealt with after it left."""
    for _ in range(100):
        if await ledger.pending() == count:
            return
        await asyncio.sleep(0.01)


async def reservations_elsewhere(backend: Backend) -> set[str]:
    """The ids of the reservations a second process would see."""
    assert backend.database is not None
    other = Database(str(backend.database.url))
    try:
        async with other.connect() as conn:
            return set((await conn.execute(select(reservations.c.id))).scalars())
    finally:
        await other.dispose()
