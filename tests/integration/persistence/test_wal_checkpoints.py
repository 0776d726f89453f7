"""A serving process copies SQLite's write-ahead log back into the database file from a thread of its own, so the
commits of agent calls only append to the log (a commit that checkpoints makes its caller wait for the copy and two
syncs: the slow one in every fifty calls or so)."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing, suppress
from pathlib import Path

from sqlalchemy import insert

from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as m
from promptsaas.adapters.persistence.sqlalchemy.migrate import upgrade_database
from promptsaas.adapters.persistence.sqlalchemy.sqlite.checkpoint import checkpoint_forever
from promptsaas.entrypoints.composition.background import serving_in_background
from promptsaas.entrypoints.composition.container import build_container
from promptsaas.entrypoints.composition.settings import Settings
from tests.integration.persistence import entities as e

TENANTS = 300
"""Enough commits to take the log past SQLite's default auto-checkpoint (1,000 pages) several times over."""


def tenants_in_the_file(path: Path) -> int:
    """Tenants in the database file itself, the log ignored (`immutable`)."""
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM tenants").fetchone()[0])


async def tenants_reaching_the_file(path: Path, seconds: float = 2.0) -> int:
    """`tenants_in_the_file` once it counts them all, or at the end of `seconds`. A read that meets a page being
    copied (the file is not immutable while a checkpoint runs) counts as none yet."""
    count = 0
    for _ in range(int(seconds / 0.01)):
        await asyncio.sleep(0.01)
        try:
            count = tenants_in_the_file(path)
        except sqlite3.DatabaseError:
            continue
        if count == TENANTS:
            break
    return count


async def write_tenants(database: Database) -> None:
    for n in range(TENANTS):
        async with database.transaction() as tx:
            row = m.tenant_row(e.tenant(f"t{n}", f"slug-{n}")) | {"name": "x" * 3000}
            await tx.conn.execute(insert(tables.tenants), row)


async def migrated(path: Path) -> Database:
    """A database opened on a migrated file whose log is empty (the last connection to close checkpoints it)."""
    database = Database(f"sqlite:///{path}")
    await upgrade_database(database)
    await database.dispose()
    return Database(f"sqlite:///{path}")


async def test_commits_leave_the_log_for_the_checkpointer(tmp_path: Path) -> None:
    path = tmp_path / "promptsaas.db"
    database = await migrated(path)
    try:
        await write_tenants(database)
        assert tenants_in_the_file(path) == 0  # no commit copied the log back

        checkpointing = asyncio.create_task(checkpoint_forever(path, interval=0.01))
        try:
            assert await tenants_reaching_the_file(path) == TENANTS
        finally:
            checkpointing.cancel()
            with suppress(asyncio.CancelledError):
                await checkpointing
    finally:
        await database.dispose()


async def test_a_serving_process_checkpoints_its_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "promptsaas.db"
    await (await migrated(path)).dispose()
    container = build_container(Settings(database_url=f"sqlite:///{path}"))
    database = container.persistence().database()
    try:
        async with serving_in_background(container):
            await write_tenants(database)
            assert await tenants_reaching_the_file(path) == TENANTS
    finally:
        await database.dispose()
