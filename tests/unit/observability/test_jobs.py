"""Background jobs: each runs on its interval and is observed; one runner at a time holds the lock, a failing job
does not stop the others."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from promptsaas.adapters.clock import SystemClock
from promptsaas.adapters.persistence.sqlalchemy.runner_lock import FileLock
from promptsaas.application.jobs import Job, JobRegistry, JobRun, JobRunner
from promptsaas.entrypoints.composition import jobs as jobs_composition
from promptsaas.entrypoints.composition.jobs import observe


def registry_of(calls: list[str]) -> JobRegistry:
    async def sweep(now: datetime) -> int:
        calls.append("sweep")
        return 3

    async def broken(now: datetime) -> int:
        raise RuntimeError("provider down")

    registry = JobRegistry()
    registry.register(Job("sweep", 3600, sweep))
    registry.register(Job("broken", 3600, broken))
    return registry


async def test_only_one_runner_runs_the_jobs_while_it_holds_the_lock(tmp_path: Path) -> None:
    calls: list[str] = []
    seen: list[JobRun] = []
    lock_path = tmp_path / "db.jobs.lock"
    first = JobRunner(registry_of(calls), FileLock(lock_path), SystemClock(), seen.append)
    second = JobRunner(registry_of(calls), FileLock(lock_path), SystemClock(), seen.append)

    holder = FileLock(lock_path)
    assert await holder.try_acquire()
    assert await first.run_once() is None
    await holder.release()

    runs = await first.run_once()
    assert runs is not None
    assert [(r.job, r.outcome, r.handled) for r in runs] == [("sweep", "ok", 3), ("broken", "failed", 0)]
    assert runs[1].error == "RuntimeError: provider down"
    assert await second.run_once() is not None  # the first released it when done
    assert calls == ["sweep", "sweep"]
    assert len(seen) == 4


async def test_a_due_job_runs_once_per_interval() -> None:
    calls: list[str] = []

    class Held:
        async def try_acquire(self) -> bool:
            return True

        async def release(self) -> None:
            return None

    runner = JobRunner(registry_of(calls), Held(), SystemClock(), lambda run: None)
    await runner.run_due()
    await runner.run_due()
    assert calls == ["sweep"]


def test_a_job_needs_a_positive_interval_and_a_unique_name() -> None:
    async def run(now: datetime) -> int:
        return 0

    with pytest.raises(ValueError, match="positive interval"):
        Job("never", 0, run)
    registry = JobRegistry()
    registry.register(Job("once", 1, run))
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Job("once", 1, run))


class Recorded:
    """Stands in for the jobs' logger (a structlog logger, cached once bound, so `capture_logs` may not see it)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, int]] = []

    def __getattr__(self, level: str) -> Callable[..., None]:
        return lambda event, **fields: self.lines.append((level, fields["job"], fields["handled"]))


def test_a_run_that_found_nothing_is_logged_only_at_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retries look every 10 to 30 seconds: idle runs at `info` would be thousands of lines a day."""
    recorded = Recorded()
    monkeypatch.setattr(jobs_composition, "log", recorded)
    observe(JobRun("messenger-retries", 0, 0.001))
    observe(JobRun("reservation-sweep", 2, 0.003))
    observe(JobRun("retention-purge", 0, 0.002, error="OperationalError: disk I/O error"))
    assert recorded.lines == [
        ("debug", "messenger-retries", 0),
        ("info", "reservation-sweep", 2),
        ("error", "retention-purge", 0),
    ]


async def test_a_runner_that_cannot_reach_its_lock_runs_nothing_warns_once_and_runs_again_when_it_can(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran = asyncio.Event()

    async def sweep(now: datetime) -> int:
        ran.set()
        return 0

    class Unreachable:
        """Refuses three times (the database is down), then is held."""

        def __init__(self) -> None:
            self.tries = 0

        async def try_acquire(self) -> bool:
            self.tries += 1
            if self.tries <= 3:
                raise OSError("connection refused\nIs the server running?")
            return True

        async def release(self) -> None:
            return None

    caplog.set_level(logging.INFO, logger="promptsaas.jobs")
    registry = JobRegistry()
    registry.register(Job("sweep", 3600, sweep))
    lock = Unreachable()
    task = asyncio.create_task(JobRunner(registry, lock, SystemClock(), lambda run: None).run_forever(0.001))
    waiting = asyncio.create_task(ran.wait())
    await asyncio.wait({task, waiting}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    assert not task.done(), task.exception()  # the runner outlived the outage
    assert ran.is_set()
    waiting.cancel()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("cannot reach the runner lock, so no jobs run here until it can: connection refused")
    assert "Is the server running" not in warnings[0]  # one line
    assert lock.tries > 3
    assert "this process runs the jobs" in caplog.text
