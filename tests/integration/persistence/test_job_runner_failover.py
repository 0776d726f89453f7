"""The job runner on PostgreSQL when the database goes away under it: a runner whose lock session died stops running
jobs and competes again, so two never run at once; a waiting runner outlives an outage and takes over after it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import psycopg
import pytest
from sqlalchemy.engine import make_url

from promptsaas.adapters.clock import SystemClock
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.runner_lock import ADVISORY_KEY, PostgresAdvisoryLock
from promptsaas.application.jobs import Job, JobRegistry, JobRunner
from tests.support.tcp_proxy import TcpRelay

pytestmark = pytest.mark.postgres
T = TypeVar("T")
TICK = 0.02
SLOW_TICK = 0.2


def runner(url: str, name: str, runs: list[str]) -> JobRunner:
    async def record(now: datetime) -> int:
        runs.append(name)
        return 1

    registry = JobRegistry()
    registry.register(Job("record", 0.001, record))
    return JobRunner(registry, PostgresAdvisoryLock(Database(url)), SystemClock(), lambda run: None)


async def eventually(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(TICK)


async def eventually_async(value: Callable[[], Awaitable[T]], wanted: Callable[[T], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not wanted(await value()):
        assert time.monotonic() < deadline, "never came to pass"
        await asyncio.sleep(TICK)


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
async def admin(postgres_url: str) -> AsyncIterator[psycopg.AsyncConnection]:
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        yield conn


async def lock_holder(admin: psycopg.AsyncConnection) -> int | None:
    """The backend holding the runner lock in this database, if any."""
    cursor = await admin.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND (classid::bigint << 32) + objid::bigint = %s",
        (ADVISORY_KEY,),
    )
    row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def test_a_runner_whose_lock_session_was_terminated_stops_and_another_takes_over(
    postgres_url: str, admin: psycopg.AsyncConnection
) -> None:
    runs: list[str] = []
    first = asyncio.create_task(runner(postgres_url, "first", runs).run_forever(SLOW_TICK))
    await eventually(lambda: "first" in runs, "the first runner never ran a job")
    second = asyncio.create_task(runner(postgres_url, "second", runs).run_forever(TICK))
    await asyncio.sleep(2 * SLOW_TICK)
    assert "second" not in runs

    for _ in range(20):  # the first may win the lock back when it notices first; end its session again
        terminated = await lock_holder(admin)
        assert terminated is not None
        await admin.execute("SELECT pg_terminate_backend(%s)", (terminated,))
        await eventually_async(lambda: lock_holder(admin), lambda pid, old=terminated: pid not in (None, old))
        await asyncio.sleep(2 * SLOW_TICK)
        if "second" in runs:
            break
    await eventually(lambda: runs.count("second") > 10, "the second runner never ran the jobs")
    assert runs == ["first"] * runs.count("first") + ["second"] * runs.count("second"), "both ran jobs at once"
    assert not first.done()  # waiting its turn, not dead

    await stop(second)  # lets go of the lock: the first competes again and wins it
    since = len(runs)
    await eventually(lambda: "first" in runs[since:], "the first runner never took the lock back")
    await stop(first)


async def test_a_waiting_runner_outlives_an_outage_and_takes_over_when_the_database_is_back(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="promptsaas.jobs")
    url = make_url(postgres_url)
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    await relay.restore()
    holder = PostgresAdvisoryLock(Database(postgres_url))
    assert await holder.try_acquire()
    runs: list[str] = []
    through_relay = url.set(port=relay.port).render_as_string(hide_password=False)
    waiting = asyncio.create_task(runner(through_relay, "waiting", runs).run_forever(TICK))
    try:
        await asyncio.sleep(10 * TICK)
        await relay.cut()
        await asyncio.sleep(20 * TICK)
        assert not waiting.done(), waiting.exception() if waiting.done() else None
        assert "this one waits" in caplog.text
        unreachable = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(unreachable) == 1, [r.getMessage() for r in unreachable]
        assert "\n" not in unreachable[0].getMessage()
        assert runs == []

        await holder.release()
        await relay.restore()
        await eventually(lambda: "waiting" in runs, "the waiting runner never took over")
        assert "runs the jobs" in caplog.text
    finally:
        await holder.release()
        await relay.cut()
        if not waiting.done():
            await stop(waiting)
