"""What a serving process (`promptsaas serve`, and `promptsaas bot` on its own) runs beside its requests: the
change feed that keeps its read cache current across processes, the SQLite file's WAL checkpoints (off the request
path), and (for the embedded default, `PROMPTSAAS_JOBS=serve`) the background jobs' runner."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.change_feed import change_feed
from promptsaas.adapters.persistence.sqlalchemy.sqlite.checkpoint import checkpoint_forever
from promptsaas.application.read_cache import follow_changes
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.composition.jobs import job_runner
from promptsaas.entrypoints.composition.persistence import SQL


@contextlib.asynccontextmanager
async def serving_in_background(container: Container) -> AsyncIterator[None]:
    """Start the process's background tasks; cancel them when the block ends."""
    tasks = [asyncio.create_task(work) for work in _background_work(container)]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _background_work(container: Container) -> list[Coroutine[Any, Any, None]]:
    persistence = container.persistence()
    operations = container.settings().operations
    work = []
    if operations.jobs == "serve":
        work.append(job_runner(container).run_forever(operations.job_tick_seconds))
    if persistence.backend() == SQL:
        database = persistence.database()
        work.append(follow_changes(container.read_cache(), change_feed(database, operations.change_poll_seconds)))
        if database.sqlite_file is not None:
            work.append(checkpoint_forever(database.sqlite_file))
    return work
