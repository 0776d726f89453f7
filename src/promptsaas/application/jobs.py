"""Background jobs: a registry any part of the application adds to, and the runner that runs each job on its
interval, in one process at a time (it holds a `RunnerLock` while it runs; the others wait their turn).

A job is a name, an interval and `run(now) -> count` (how many items it handled: reservations released,
messages purged, deliveries retried). Register with `registry.register(Job("webhook-retries", 30, retry))` in the
composition root (`entrypoints/composition/jobs.py`); `promptsaas worker` and `serve` then run it.

The runner asks the lock before every job whether it still holds it, and runs nothing when it cannot tell (the
database is unreachable): a runner that lost its lock's session stops before another can take the jobs over.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.jobs import RunnerLock

log = logging.getLogger("promptsaas.jobs")
RUNNING, WAITING, UNSURE = "running", "waiting", "unsure"


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[datetime], Awaitable[int]]

    def __post_init__(self) -> None:
        if self.every_seconds <= 0:
            raise ValueError(f"job {self.name!r} needs a positive interval")


@dataclass(frozen=True, slots=True)
class JobRun:
    """One run of a job: `handled` items, or the error's one-line text when it failed."""

    job: str
    handled: int
    seconds: float
    error: str | None = None

    @property
    def outcome(self) -> str:
        return "ok" if self.error is None else "failed"


@dataclass
class JobRegistry:
    _jobs: dict[str, Job] = field(default_factory=dict)

    def register(self, job: Job) -> None:
        if job.name in self._jobs:
            raise ValueError(f"a job named {job.name!r} is already registered")
        self._jobs[job.name] = job

    def jobs(self) -> list[Job]:
        return list(self._jobs.values())


class JobRunner:
    def __init__(
        self, registry: JobRegistry, lock: RunnerLock, clock: Clock, observe: Callable[[JobRun], None]
    ) -> None:
        self._registry = registry
        self._lock = lock
        self._clock = clock
        self._observe = observe
        self._next: dict[str, float] = {}
        self._state: str | None = None
        self._tick = 1.0

    async def run_once(self) -> list[JobRun] | None:
        """Every job once, now; `None` when another process's runner holds the lock."""
        if not await self._lock.try_acquire():
            return None
        try:
            return [await self._run(job) for job in self._registry.jobs()]
        finally:
            await self._lock.release()

    async def run_forever(self, tick_seconds: float = 1.0) -> None:
        """Run each job when due, while this process holds the lock (trying for it every tick); until cancelled.
        A lock that cannot be reached is a warning, once per outage, and another try next tick."""
        self._tick = tick_seconds
        try:
            while True:
                if await self._holds_lock():
                    await self.run_due()
                await asyncio.sleep(tick_seconds)
        finally:
            await self._lock.release()

    async def run_due(self) -> list[JobRun]:
        """The jobs that are due, each only while the lock is still held: none after it was lost."""
        now = time.monotonic()
        due = [job for job in self._registry.jobs() if self._next.get(job.name, 0.0) <= now]
        runs = []
        for job in due:
            if not await self._holds_lock():
                break
            runs.append(await self._run(job))
            self._next[job.name] = time.monotonic() + job.every_seconds
        return runs

    async def _holds_lock(self) -> bool:
        try:
            held = await self._lock.try_acquire()
        except Exception as error:  # the database is away: not knowing whether we hold it means not running
            self._now(UNSURE, error)
            return False
        self._now(RUNNING if held else WAITING)
        return held

    def _now(self, state: str, error: Exception | None = None) -> None:
        """One log line when the runner changes state, so an operator sees which process runs the jobs."""
        if state == self._state:
            return
        self._state = state
        if state == RUNNING:
            log.info("this process runs the jobs (it holds the runner lock)")
        elif state == WAITING:
            log.info(f"another process is running the jobs: this one waits, trying for the lock every {self._tick:g} s")
        else:
            log.warning(
                f"cannot reach the runner lock, so no jobs run here until it can: {_first_line(error)}"
                f" (trying again every {self._tick:g} s)"
            )

    async def _run(self, job: Job) -> JobRun:
        started = time.perf_counter()
        try:
            handled = await job.run(self._clock.now())
        except Exception as error:  # one failing job must not stop the others; the run records why
            run = JobRun(job.name, 0, time.perf_counter() - started, f"{type(error).__name__}: {error}")
        else:
            run = JobRun(job.name, handled, time.perf_counter() - started)
        self._observe(run)
        return run


def _first_line(error: Exception | None) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
