"""The ledger's PostgreSQL transactions run in pipeline mode. One cut short at its COMMIT or ROLLBACK (its caller
left) commits nothing and leaves no connection in pipeline mode behind: the reads and writes after it, on every
pooled and kept connection, answer as usual."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from promptsaas.adapters.persistence.sqlalchemy.psycopg_driver import PsycopgDriver
from promptsaas.application.ports.quota import Settlement
from promptsaas.domain.quota import Counter
from tests.integration.persistence.conftest import Backend, sql_backend
from tests.integration.persistence.entities import key, reservation, usage

pytestmark = pytest.mark.postgres
REQUESTS = key()


@pytest.fixture
async def postgres(migrated_postgres_url: str) -> AsyncIterator[Backend]:
    backend = sql_backend("postgres", migrated_postgres_url)
    yield backend
    assert backend.database is not None
    await backend.database.dispose()


@pytest.mark.parametrize(("cut_at", "asked"), [("COMMIT", 1), ("ROLLBACK", 20)])  # 20 does not fit: rolled back
async def test_a_ledger_transaction_cut_at_its_end_commits_nothing_and_every_connection_still_serves(
    postgres: Backend, monkeypatch: pytest.MonkeyPatch, cut_at: str, asked: int
) -> None:
    ledger = postgres.ledger
    assert await ledger.reserve(reservation("t1", "r0", (REQUESTS, 1, 10)))
    send = PsycopgDriver.send

    async def cut(driver: PsycopgDriver, sql: str, parameters: Any) -> None:
        if sql == cut_at:
            raise asyncio.CancelledError  # where a caller that left interrupts it
        await send(driver, sql, parameters)

    monkeypatch.setattr(PsycopgDriver, "send", cut)
    with pytest.raises(asyncio.CancelledError):
        await ledger.reserve(reservation("t1", "r1", (REQUESTS, asked, 10)))
    monkeypatch.undo()

    assert await ledger.read("t1", [REQUESTS]) == {REQUESTS: Counter(0, 1)}
    assert await ledger.pending() == 1
    for _ in range(12):  # more than the pool holds: each pooled connection serves a read in turn
        async with postgres.uow() as uow:
            assert await uow.usage.records("t1") == []
    taken = await asyncio.gather(*(ledger.reserve(reservation("t1", f"r{n + 2}", (REQUESTS, 1, 10))) for n in range(6)))
    assert all(taken)
    assert await ledger.read("t1", [REQUESTS]) == {REQUESTS: Counter(0, 7)}
    async with postgres.uow() as uow:
        assert await uow.usage.records("t1") == []
    record = usage("t1", "u-1")
    await ledger.settle(Settlement(record, "r0", {REQUESTS: 1}))
    assert await ledger.read("t1", [REQUESTS]) == {REQUESTS: Counter(1, 6)}
