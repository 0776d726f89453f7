"""A SQLite writer that finds another process holding the database's write lock waits without blocking the event
loop: other coroutines (other requests) keep running, and the write goes through once the lock is free."""

from __future__ import annotations

import asyncio
import sys
import time
from asyncio.subprocess import PIPE
from pathlib import Path

from sqlalchemy import func, insert, select

from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as m
from promptsaas.adapters.persistence.sqlalchemy.migrate import upgrade_database
from tests.integration.persistence import entities as e

HOLD_SECONDS = 1.0
HOLD_THE_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


async def test_a_writer_waits_for_another_process_without_freezing_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "promptsaas.db"
    database = Database(f"sqlite:///{path}")
    try:
        await upgrade_database(database)
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(path), str(HOLD_SECONDS), stdout=PIPE
        )
        assert holder.stdout is not None
        assert (await holder.stdout.readline()).strip() == b"locked"

        gaps: list[float] = []
        writing = True

        async def ticker() -> None:
            last = time.monotonic()
            while writing:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        async def write() -> float:
            started = time.monotonic()
            async with database.transaction() as tx:
                await tx.conn.execute(insert(tables.tenants), m.tenant_row(e.tenant("t1", "slug-t1")))
            return time.monotonic() - started

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)  # the ticker is running before the write begins
        waited = await write()
        writing = False
        await ticking
        await holder.wait()

        assert waited >= HOLD_SECONDS * 0.5, "the write did not wait for the other process"
        assert max(gaps) < HOLD_SECONDS / 2, f"the loop froze for {max(gaps):.2f} s while the write waited"
        async with database.connect() as conn:
            assert (await conn.execute(select(func.count()).select_from(tables.tenants))).scalar_one() == 1
    finally:
        await database.dispose()
