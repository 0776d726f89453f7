"""Which persistence adapters a database URL selects, and getting its schema ready when a platform opens.

`memory://` selects the in-process adapters; any sqlite or postgresql URL selects the SQLAlchemy ones, on one
`Database`, which also holds the idempotency keys and login/register rate limits, so every server process and worker
shares them (the in-memory platform keeps them in its process). The engine closes asynchronously, which
dependency-injector supports only through async resources (and those make every dependent provider async), so
`container.shutdown` calls `close_persistence` instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from dependency_injector import containers, providers

from promptsaas.adapters.persistence.memory.idempotency import MemoryIdempotencyStore
from promptsaas.adapters.persistence.memory.ledger import MemoryQuotaLedger
from promptsaas.adapters.persistence.memory.outbox import MemoryOutboxStore
from promptsaas.adapters.persistence.memory.store import MemoryStore
from promptsaas.adapters.persistence.memory.unit_of_work import MemoryUnitOfWorkFactory
from promptsaas.adapters.persistence.memory.whatsapp import MemoryWhatsAppStore
from promptsaas.adapters.persistence.sqlalchemy.engine import Database, is_memory
from promptsaas.adapters.persistence.sqlalchemy.idempotency import SqlIdempotencyStore
from promptsaas.adapters.persistence.sqlalchemy.ledger import SqlQuotaLedger
from promptsaas.adapters.persistence.sqlalchemy.migrate import (
    HEAD_REVISION,
    current_revision,
    open_database,
    upgrade_database,
)
from promptsaas.adapters.persistence.sqlalchemy.outbox import SqlOutboxStore
from promptsaas.adapters.persistence.sqlalchemy.rate_limit import SqlRateLimiter
from promptsaas.adapters.persistence.sqlalchemy.reconciliation import SqlQuotaReconciler
from promptsaas.adapters.persistence.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from promptsaas.adapters.persistence.sqlalchemy.whatsapp import SqlWhatsAppStore
from promptsaas.adapters.security.rate_limit import SlidingWindowRateLimiter
from promptsaas.application.ports.clock import Clock
from promptsaas.domain.errors import DatabaseNotMigrated, DatabaseUnavailable, SetupFailed

MEMORY, SQL = "memory", "sql"

log = logging.getLogger("promptsaas.persistence")


def backend_of(database_url: str) -> str:
    return MEMORY if is_memory(database_url) else SQL


class Persistence(containers.DeclarativeContainer):
    database_url = providers.Dependency(instance_of=str)
    store = providers.Dependency(instance_of=MemoryStore)
    clock: providers.Dependency[Clock] = providers.Dependency()

    backend = providers.Callable(backend_of, database_url)
    database = providers.Singleton(open_database, database_url)

    memory_ledger = providers.Singleton(MemoryQuotaLedger, store)
    uow = providers.Selector(
        backend,
        memory=providers.Singleton(MemoryUnitOfWorkFactory, store),
        sql=providers.Singleton(SqlUnitOfWorkFactory, database),
    )
    ledger = providers.Selector(backend, memory=memory_ledger, sql=providers.Singleton(SqlQuotaLedger, database))
    reconciler = providers.Selector(
        backend, memory=memory_ledger, sql=providers.Singleton(SqlQuotaReconciler, database)
    )
    idempotency = providers.Selector(
        backend,
        memory=providers.Singleton(MemoryIdempotencyStore, store=store),
        sql=providers.Singleton(SqlIdempotencyStore, database),
    )
    rate_limiter = providers.Selector(
        backend,
        memory=providers.Singleton(SlidingWindowRateLimiter),
        sql=providers.Singleton(SqlRateLimiter, database, clock),
    )
    whatsapp = providers.Selector(
        backend,
        memory=providers.Singleton(MemoryWhatsAppStore),
        sql=providers.Singleton(SqlWhatsAppStore, database),
    )
    outbox = providers.Selector(
        backend,
        memory=providers.Singleton(MemoryOutboxStore),
        sql=providers.Singleton(SqlOutboxStore, database),
    )


async def prepare_schema(database: Database) -> None:
    """Migrate a new or outdated SQLite database; refuse an outdated PostgreSQL one (operators migrate it).

    A current database is recognised without Alembic; any fault is a `SetupFailed` (see `migrate`)."""
    revision = await current_revision(database)
    if revision == HEAD_REVISION:
        return
    if not database.is_sqlite:
        found = f"at revision {revision}" if revision else "empty"
        raise DatabaseNotMigrated(
            f"the database schema is {found}, this version needs {HEAD_REVISION}: run `promptsaas db upgrade`"
        )
    await upgrade_database(database)


async def ready_database(database_url: str) -> None:
    """Open the database of `database_url` once to get its schema ready (see `prepare_schema`), then close it."""
    if is_memory(database_url):
        return
    database = open_database(database_url)
    try:
        await prepare_schema(database)
    finally:
        await database.dispose()


async def open_persistence(persistence: Persistence) -> None:
    """When a shell starts: the SQL schema must be current (see `prepare_schema`)."""
    if persistence.backend() == SQL:
        await prepare_schema(persistence.database())


@asynccontextmanager
async def persistence_opened(
    persistence: Persistence,
    on_fault: Callable[[SetupFailed], None],
    first_pause: float = 0.5,
    longest_pause: float = 10.0,
) -> AsyncIterator[None]:
    """A serving process's persistence: opened now (`open_persistence`), or, while the database cannot be reached (a
    server restarting, or not up yet), opened in the background as soon as it can be, the block running meanwhile:
    the requests it serves are answered 503 `database_unavailable`, as in any outage. An API worker that uvicorn
    starts again during an outage would otherwise fail to start, and uvicorn then stops the whole server.

    Each failed try is logged (the URL without its password), the pauses between tries doubling up to
    `longest_pause`; any other fault found then (an outdated schema) goes to `on_fault`."""
    try:
        await open_persistence(persistence)
    except DatabaseUnavailable as error:
        log.warning("%s; serving meanwhile, the schema is checked once the database answers", error.message)
        opening = asyncio.create_task(_open_once_reachable(persistence, on_fault, first_pause, longest_pause))
        try:
            yield
        finally:
            opening.cancel()
            with suppress(asyncio.CancelledError):
                await opening
        return
    yield


async def _open_once_reachable(
    persistence: Persistence, on_fault: Callable[[SetupFailed], None], pause: float, longest_pause: float
) -> None:
    while True:
        await asyncio.sleep(pause)
        try:
            await open_persistence(persistence)
        except DatabaseUnavailable as error:
            log.warning("%s (next try in %.1f s)", error.message, min(pause * 2, longest_pause))
        except SetupFailed as error:
            on_fault(error)
            return
        else:
            log.info("the database answers again and its schema is current")
            return
        pause = min(pause * 2, longest_pause)


async def close_persistence(persistence: Persistence) -> None:
    """When a shell stops: close the database's connections (a no-op for the in-memory adapters)."""
    if persistence.backend() == SQL:
        await persistence.database().dispose()
