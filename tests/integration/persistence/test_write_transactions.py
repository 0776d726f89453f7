"""The one write transaction of the SQL layer, on SQLite and PostgreSQL: all or nothing, and reads hold no lock."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as m
from tests.integration.persistence import entities as e
from tests.integration.persistence.conftest import Backend

TENANTS = tables.tenants


def tenant_row(tenant_id: str) -> dict[str, Any]:
    return m.tenant_row(e.tenant(tenant_id, f"slug-{tenant_id}"))


async def tenant_ids(sql: Backend) -> list[str]:
    assert sql.database is not None
    async with sql.database.connect() as conn:
        return list((await conn.execute(select(TENANTS.c.id).order_by(TENANTS.c.id))).scalars())


async def test_a_write_transaction_commits_when_its_block_ends(sql: Backend) -> None:
    assert sql.database is not None
    async with sql.database.transaction() as tx:
        await tx.conn.execute(insert(TENANTS), tenant_row("t1"))
        await tx.conn.execute(insert(TENANTS), tenant_row("t2"))
    assert await tenant_ids(sql) == ["t1", "t2"]


async def test_a_write_transaction_that_raises_writes_nothing_and_frees_the_next_writer(sql: Backend) -> None:
    assert sql.database is not None
    database = sql.database

    async def fail_midway() -> None:
        async with database.transaction() as tx:
            await tx.conn.execute(insert(TENANTS), tenant_row("t1"))
            raise RuntimeError("midway")

    with pytest.raises(RuntimeError, match="midway"):
        await fail_midway()
    async with asyncio.timeout(5):
        async with sql.database.transaction() as tx:
            await tx.conn.execute(insert(TENANTS), tenant_row("t2"))
    assert await tenant_ids(sql) == ["t2"]


async def test_a_unit_of_work_that_only_reads_lets_writers_commit(sql: Backend) -> None:
    assert sql.database is not None
    async with sql.uow() as reader:
        assert await reader.tenants.get("t1") is None
        async with asyncio.timeout(5):
            async with sql.database.transaction() as tx:
                await tx.conn.execute(insert(TENANTS), tenant_row("t1"))
        assert await reader.tenants.get("t1") is not None


async def test_writers_of_one_process_take_turns_and_all_commit(sql: Backend) -> None:
    assert sql.database is not None
    database = sql.database

    async def write(n: int) -> None:
        async with database.transaction() as tx:
            await tx.conn.execute(insert(TENANTS), tenant_row(f"t{n:02}"))
            await asyncio.sleep(0)  # let another writer try to begin meanwhile

    await asyncio.gather(*(write(n) for n in range(20)))
    async with database.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(TENANTS))).scalar_one() == 20
