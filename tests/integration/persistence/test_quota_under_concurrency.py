"""The quota promise on real databases: concurrent callers, in one process or several, never overspend a limit,
and a process killed between reserve and settle leaves a reservation the sweep releases.

Each proof prints its figures (run with `pytest -s` to see them).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from promptsaas.entrypoints.library import AsyncTenant
from tests.integration.persistence.platforms import EMAIL, NOW, Tally, catalog, open_platform, race, set_up

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"migrated_{request.param}_url"))


def engine_of(url: str) -> str:
    return url.split(":", 1)[0]


def report(proof: str, url: str, tally: Tally, *, limit: int, callers: int, left: int, wall: float) -> None:
    print(
        f"\n[{engine_of(url)}] {proof}: admitted {tally.admitted} / limit {limit} / callers {callers}, "
        f"denied {tally.denied}, errors {len(tally.errors)}, reservations left {left}, wall {wall:.2f} s"
    )


async def used(tenant: AsyncTenant) -> list[int]:
    """`used + reserved` of every limit of the caller's plan."""
    [plan] = await tenant.limits(EMAIL)
    views = plan.limits
    return [v.used for v in views]


async def test_200_concurrent_chats_against_a_limit_of_37_admit_exactly_37(database_url: str) -> None:
    platform, _ = await open_platform(database_url)
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 37)))
        started = time.perf_counter()
        tally = await race(tenant, [f"call {i}" for i in range(200)])
        wall = time.perf_counter() - started
        left = await platform.container.ledger().pending()
        report("one process", database_url, tally, limit=37, callers=200, left=left, wall=wall)
        assert tally.errors == []
        assert (tally.admitted, tally.denied, left) == (37, 163, 0)
        assert await used(tenant) == [37]
        assert await platform.reconcile_quota() == []


async def test_callers_in_two_processes_admit_exactly_the_limit(database_url: str) -> None:
    platform, _ = await open_platform(database_url)
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 37)))
        workers = [_spawn(database_url, "100") for _ in range(2)]
        try:
            for worker in workers:
                assert await _line(worker) == "ready"
            started = time.perf_counter()
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
            tally = Tally()
            for worker in workers:
                tally.add(Tally(**json.loads(await _line(worker, seconds=120))))
            wall = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.kill()
                worker.wait()
        left = await platform.container.ledger().pending()
        report("two processes", database_url, tally, limit=37, callers=200, left=left, wall=wall)
        assert tally.errors == []
        assert (tally.admitted, tally.denied, left) == (37, 163, 0)
        assert await used(tenant) == [37]
        assert await platform.reconcile_quota() == []


async def test_mixed_token_amounts_never_push_used_above_the_limit(database_url: str) -> None:
    limit, callers = 3000, 120
    rng = random.Random(37)
    messages = [f"{i} " + "x" * rng.randint(1, 300) for i in range(callers)]
    platform, _ = await open_platform(database_url)
    async with platform:
        tenant = await set_up(platform, catalog(("tokens", "day", limit)))
        seen: list[int] = []

        async def watch() -> None:
            while True:
                seen.extend(await used(tenant))
                await asyncio.sleep(0.005)

        watcher = asyncio.create_task(watch())
        started = time.perf_counter()
        tally = await race(tenant, messages)
        wall = time.perf_counter() - started
        watcher.cancel()
        left = await platform.container.ledger().pending()
        [charged] = await used(tenant)
        report(f"tokens, used {charged}", database_url, tally, limit=limit, callers=callers, left=left, wall=wall)
        assert tally.errors == []
        assert tally.admitted > 0
        assert tally.denied > 0
        assert left == 0
        assert charged <= limit
        assert max(seen, default=0) <= limit
        assert await platform.reconcile_quota() == []


async def test_a_process_killed_between_reserve_and_settle_leaves_a_reservation_the_sweep_releases(
    database_url: str,
) -> None:
    platform, clock = await open_platform(database_url, ttl_seconds=1)
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 37)))
        worker = _spawn(database_url, "hang")
        try:
            assert await _line(worker) == "reserved"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        ledger = platform.container.ledger()
        assert await ledger.pending() == 1
        assert await used(tenant) == [1]
        assert await platform.sweep_reservations() == 0  # not expired yet
        clock.at = NOW + timedelta(seconds=2)
        assert await platform.sweep_reservations() == 1
        print(f"\n[{engine_of(database_url)}] killed worker: 1 reservation left behind, released by the sweep")
        assert await ledger.pending() == 0
        assert await used(tenant) == [0]
        assert await platform.reconcile_quota() == []


def _spawn(database_url: str, *what: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.persistence.chat_worker", database_url, *what],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _line(worker: subprocess.Popen[str], seconds: float = 60) -> str:
    """The worker's next line of output; its error output if it died instead."""
    assert worker.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(worker.stdout.readline), seconds)
    if not line:
        assert worker.stderr is not None
        raise AssertionError(f"the worker died: {worker.stderr.read()}")
    return line.strip()
