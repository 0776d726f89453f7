"""Connections the server closed while they waited in the pool or among the kept ones (PostgreSQL restarted, or
ended every session): a unit of work's first read and a transaction's BEGIN go on once on a new connection, and a
write cut off inside its transaction fails, applied nowhere, never sent again on its own. When the server closes the
new connection too, BEGIN fails as SQLAlchemy's `OperationalError` (the shells answer `database_unavailable`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError, OperationalError

from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as m
from promptsaas.adapters.persistence.sqlalchemy.migrate import upgrade_database
from promptsaas.adapters.persistence.sqlalchemy.statements import Statements
from promptsaas.adapters.persistence.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from tests.integration.persistence import entities as e
from tests.support.postgres import closing_new_connections

pytestmark = pytest.mark.postgres
TENANTS = tables.tenants
BUSY = 4
"""Units of work and write transactions run at once before the sessions end: as many pooled and kept connections."""


def tenant_row(tenant_id: str) -> dict[str, Any]:
    return m.tenant_row(e.tenant(tenant_id, f"slug-{tenant_id}"))


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    database = Database(postgres_url)
    await upgrade_database(database)
    try:
        yield database
    finally:
        await database.dispose()


async def end_every_session(url: str) -> int:
    """What a PostgreSQL restart does to a client's connections: each session of the database is terminated."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as admin:
        cursor = await admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def fill_the_pool(database: Database) -> None:
    """Several units of work and write transactions at once, so several connections wait in the pool and are kept."""
    uow = SqlUnitOfWorkFactory(database)
    gate = asyncio.Event()

    async def read() -> None:
        async with uow() as reader:
            await reader.tenants.get("warm-up")
            await gate.wait()

    async def write() -> None:
        async with database.transaction() as tx:
            await tx.conn.execute(select(TENANTS.c.id))
            await gate.wait()

    tasks = [asyncio.create_task(work()) for work in [read, write] * BUSY]
    await asyncio.sleep(0.2)
    gate.set()
    await asyncio.gather(*tasks)


async def tenant_ids(database: Database) -> list[str]:
    async with database.connect() as conn:
        return list((await conn.execute(select(TENANTS.c.id).order_by(TENANTS.c.id))).scalars())


async def test_after_every_session_ended_reads_and_writes_go_on_on_new_connections(
    database: Database, postgres_url: str
) -> None:
    await fill_the_pool(database)
    assert await end_every_session(postgres_url) >= 2 * BUSY
    uow = SqlUnitOfWorkFactory(database)

    async with uow() as reader:  # a read first, on a connection that waited in the pool
        assert await reader.tenants.get("t1") is None
    async with database.transaction() as tx:  # BEGIN first, on a kept connection
        await tx.conn.execute(insert(TENANTS), tenant_row("t1"))
    async with uow() as writer:  # BEGIN first again, on a connection that waited in the pool
        await writer.tenants.add(e.tenant("t2", "slug-t2"))
        await writer.commit()
    for n in range(3, 3 + BUSY):  # every other kept connection is replaced in turn
        async with database.transaction() as tx:
            await tx.conn.execute(insert(TENANTS), tenant_row(f"t{n}"))

    assert await tenant_ids(database) == sorted(f"t{n}" for n in range(1, 3 + BUSY))


async def test_a_write_cut_off_inside_its_transaction_fails_applied_nowhere_and_a_retry_applies_it_once(
    database: Database, postgres_url: str
) -> None:
    await fill_the_pool(database)
    uow = SqlUnitOfWorkFactory(database)

    async def in_a_transaction() -> None:
        async with database.transaction() as tx:
            await tx.conn.execute(insert(TENANTS), tenant_row("t1"))
            await end_every_session(postgres_url)
            await tx.conn.execute(insert(TENANTS), tenant_row("t2"))

    async def in_a_unit_of_work() -> None:
        async with uow() as writer:
            await writer.tenants.add(e.tenant("t3", "slug-t3"))
            await end_every_session(postgres_url)
            await writer.tenants.add(e.tenant("t4", "slug-t4"))
            await writer.commit()

    async def as_a_read_after_begin() -> None:  # an insert sent as a read, for its RETURNING
        async with database.connect() as conn:
            statements = Statements(database.write_transaction(conn))
            await statements.transaction.begin()
            await end_every_session(postgres_url)
            await statements.row(insert(TENANTS).returning(TENANTS.c.id), tenant_row("t5"))

    with pytest.raises(DBAPIError) as cut_off:
        await in_a_transaction()
    assert cut_off.value.connection_invalidated
    assert await tenant_ids(database) == []  # neither the first write nor the second, alone on a new connection
    with pytest.raises(DBAPIError):
        await in_a_unit_of_work()
    assert await tenant_ids(database) == []
    with pytest.raises(DBAPIError):
        await as_a_read_after_begin()
    assert await tenant_ids(database) == []

    async with database.transaction() as tx:  # the caller tries again, on a kept connection the server closed
        await tx.conn.execute(insert(TENANTS), tenant_row("t1"))
        await tx.conn.execute(insert(TENANTS), tenant_row("t2"))
    async with database.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(TENANTS))).scalar_one() == 2


async def test_a_begin_whose_new_connection_is_closed_too_fails_as_an_operational_error_and_applies_nothing(
    database: Database, postgres_url: str
) -> None:
    await fill_the_pool(database)
    uow = SqlUnitOfWorkFactory(database)

    async def in_a_transaction() -> None:  # BEGIN first, on a kept connection
        async with database.transaction() as tx:
            await tx.conn.execute(insert(TENANTS), tenant_row("t1"))

    async def in_a_unit_of_work() -> None:  # BEGIN first, on a pooled connection
        async with uow() as writer:
            await writer.tenants.add(e.tenant("t2", "slug-t2"))
            await writer.commit()

    assert await end_every_session(postgres_url) >= 2 * BUSY
    with closing_new_connections(database.engine, postgres_url):
        for write in (in_a_transaction, in_a_unit_of_work):
            with pytest.raises(OperationalError) as refused:
                await write()
            assert refused.value.connection_invalidated
    assert await tenant_ids(database) == []

    await in_a_transaction()  # the server answers again: the caller's next tries apply, once
    await in_a_unit_of_work()
    assert await tenant_ids(database) == ["t1", "t2"]
