"""One job runner at a time across processes: the lock `runner_lock` picks (an `flock` beside a SQLite file, a
PostgreSQL advisory lock) admits one holder, refuses a second until the first lets go, and frees itself when the
holding process dies."""

from __future__ import annotations

import asyncio
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.runner_lock import FileLock, PostgresAdvisoryLock, runner_lock

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

HOLD_IN_CHILD = """
import asyncio, sys, time
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.runner_lock import runner_lock

async def main():
    lock = runner_lock(Database(sys.argv[1]))
    assert await lock.try_acquire()
    print("held", flush=True)
    time.sleep(600)

asyncio.run(main())
"""


@pytest.fixture(params=ENGINES)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite:///{tmp_path / 'jobs.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = Database(url)
    yield db
    await db.engine.dispose()


async def test_the_lock_fits_the_engine(database: Database) -> None:
    expected = FileLock if database.is_sqlite else PostgresAdvisoryLock
    assert isinstance(runner_lock(database), expected)


async def test_a_second_runner_waits_until_the_first_lets_go(database: Database) -> None:
    first, second = runner_lock(database), runner_lock(database)
    assert await first.try_acquire()
    assert await first.try_acquire()  # holding it already
    assert not await second.try_acquire()
    await first.release()
    assert await second.try_acquire()
    assert not await first.try_acquire()
    await second.release()


async def test_a_runner_that_dies_frees_the_lock(database: Database) -> None:
    url = database.url.render_as_string(hide_password=False)
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", HOLD_IN_CHILD, url, stdout=PIPE)
    try:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"held"
        survivor = runner_lock(database)
        assert not await survivor.try_acquire()
        child.kill()
        await child.wait()
        deadline = time.monotonic() + 10  # PostgreSQL notices the closed session at once; give it a moment
        while not await survivor.try_acquire():
            assert time.monotonic() < deadline, "the dead runner's lock was never freed"
            await asyncio.sleep(0.05)
        await survivor.release()
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
