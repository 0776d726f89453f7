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
from collections.abc import Callable

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
from promptsaas.domain.errors import DatabaseNotMigrated, DatabaseUnavailable

MEMORY, SQL = "memory", "sql"

log = logging.getLogger("promptsaas.persistence")
STOP_CHECK_S = 0.1


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


async def open_persistence_once_reachable(
    persistence: Persistence,
    stopping: Callable[[], bool],
    first_pause: float = 0.5,
    longest_pause: float = 10.0,
) -> None:
    """`open_persistence`, waiting for a database that cannot be reached (a server restarting, or not up yet) instead
    of failing: an API worker that uvicorn starts again during an outage would otherwise fail to start, and uvicorn
    then stops the whole server. Each failed try is logged (the URL without its password); the pauses between tries
    double up to `longest_pause`. Any other fault (an outdated schema) fails at once, and so does the wait once
    `stopping()` says the process is asked to stop (checked every `STOP_CHECK_S`)."""
    pause = first_pause
    while True:
        try:
            await open_persistence(persistence)
            return
        except DatabaseUnavailable as error:
            if stopping():
                raise
            log.warning("%s; this process starts once the database answers (next try in %.1f s)", error.message, pause)
        waited = 0.0
        while waited < pause and not stopping():
            await asyncio.sleep(STOP_CHECK_S)
            waited += STOP_CHECK_S
        pause = min(pause * 2, longest_pause)


async def close_persistence(persistence: Persistence) -> None:
    """When a shell stops: close the database's connections (a no-op for the in-memory adapters)."""
    if persistence.backend() == SQL:
        await persistence.database().dispose()
