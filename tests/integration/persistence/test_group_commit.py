"""Settlements that finish together are committed together: each caller is answered only once its own is stored,
one bad settlement fails only its caller, and a caller that gives up still has its settlement stored."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.ledger import SqlQuotaLedger
from promptsaas.adapters.persistence.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from promptsaas.application.ports.quota import Settlement
from promptsaas.domain.quota import Counter
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import key, reservation, usage

REQUESTS = key()
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
    for _ in range(100):
        if await ledger.pending() == 0:
            break
        await asyncio.sleep(0.01)
    assert await stored_records(sql) == {"u-0", "u-1"}
    assert await sql.counter("t1", REQUESTS) == Counter(2, 0)
