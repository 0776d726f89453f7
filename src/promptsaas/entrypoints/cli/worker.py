"""`promptsaas worker`: the background jobs (reservation sweep, retention purge, registered retries), one runner
across every process on the database; `--once` runs each job once and exits, for cron. SIGTERM (a container's
stop) stops it as Ctrl-C does: the current job is cancelled, the lock released, exit 0."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.session import session

if TYPE_CHECKING:
    from promptsaas.application.jobs import JobRun, JobRunner
    from promptsaas.entrypoints.library import AsyncPlatform


def command(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Run every job once now, then exit (for cron).")] = False,
) -> None:
    """Run the background jobs until stopped (set PROMPTSAAS_JOBS=worker so `serve` leaves them to this)."""
    s = session(ctx)
    if not once:
        s.out.text("running background jobs (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            s.run(_forever)
        return
    runs = s.run(_once)
    if runs is None:  # under --json, no runs: an empty list
        if s.out.json:
            s.out.dump([])
        else:
            s.out.text("another process is running the jobs; nothing done")
        return
    rows = [{"job": r.job, "outcome": r.outcome, "handled": r.handled, "error": r.error or ""} for r in runs]
    if s.out.json:
        s.out.dump(rows)
        return
    s.out.rows(rows, ("job", "outcome", "handled", "error"), empty="no jobs registered")
    if any(r.error for r in runs):
        s.fail("job_failed", "a job failed; see its error above")


def _runner(platform: AsyncPlatform) -> JobRunner:
    from promptsaas.adapters.observability.logs import configure_logging
    from promptsaas.entrypoints.composition.jobs import job_runner

    operations = platform.container.settings().operations
    configure_logging(operations.log_format, operations.log_level)
    return job_runner(platform.container)


async def _once(platform: AsyncPlatform) -> list[JobRun] | None:
    return await _runner(platform).run_once()


async def _forever(platform: AsyncPlatform) -> None:
    runner = _runner(platform)
    with _stopped_by_sigterm():
        await runner.run_forever(platform.container.settings().operations.job_tick_seconds)


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM cancels the running task, as asyncio does on SIGINT; the block then ends normally (exit 0)."""
    import asyncio
    import signal

    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        if not terminated:  # a second SIGTERM must not cancel the lock's release
            terminated = True
            task.cancel()

    loop.add_signal_handler(signal.SIGTERM, terminate)
    try:
        yield
    except asyncio.CancelledError:
        if not terminated or task.uncancel() > 0:
            raise
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
