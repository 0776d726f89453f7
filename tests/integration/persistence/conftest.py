"""The three persistence backends every contract test runs on: in-memory, a SQLite file, and PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import update

from promptsaas.adapters.persistence.memory.ledger import MemoryQuotaLedger
from promptsaas.adapters.persistence.memory.store import MemoryStore
from promptsaas.adapters.persistence.memory.unit_of_work import MemoryUnitOfWorkFactory
from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.ledger import SqlQuotaLedger
from promptsaas.adapters.persistence.sqlalchemy.mapping.activity import counter_key_row
from promptsaas.adapters.persistence.sqlalchemy.migrate import upgrade_database
from promptsaas.adapters.persistence.sqlalchemy.reconciliation import SqlQuotaReconciler
from promptsaas.adapters.persistence.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from promptsaas.application.ports.quota import QuotaLedger, QuotaReconciler
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.quota import Counter, CounterKey
from tests.support.postgres import PostgresServer

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
BACKENDS = ["memory", *SQL_BACKENDS]


@dataclass
class Backend:
    name: str
    uow: UnitOfWorkFactory
    ledger: QuotaLedger
    reconciler: QuotaReconciler
    database: Database | None = None
    store: MemoryStore | None = None

    async def tamper(self, tenant_id: str, key: CounterKey, used: int) -> None:
        """Overwrite a counter's `used` behind the ledger's back (to prove reconcile and rebuild notice)."""
        if self.store is not None:
            self.store.counters[(tenant_id, key)] = replace(self.store.counters[(tenant_id, key)], used=used)
            return
        assert self.database is not None
        c = tables.quota_counters
        where = [c.c[name] == value for name, value in counter_key_row(tenant_id, key).items()]
        async with self.database.transaction() as tx:
            await tx.conn.execute(update(c).where(*where).values(used=used))

    async def counter(self, tenant_id: str, key: CounterKey) -> Counter:
        return (await self.ledger.read(tenant_id, [key])).get(key, Counter())


def sql_backend(name: str, url: str) -> Backend:
    database = Database(url)
    ledger = SqlQuotaLedger(database)
    return Backend(name, SqlUnitOfWorkFactory(database), ledger, SqlQuotaReconciler(database), database=database)


def migrate(url: str) -> str:
    """Upgrade the database at `url` to the newest schema (on a thread of its own: callers may run a loop)."""

    async def run() -> None:
        database = Database(url)
        try:
            await upgrade_database(database)
        finally:
            await database.dispose()

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, run()).result()
    return url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema, migrated once and copied by each test."""
    path = tmp_path_factory.mktemp("template") / "promptsaas.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """One PostgreSQL database at the newest schema for the session; each test empties it first."""
    url = migrate(postgres_server.create_database())
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def migrated_sqlite_url(migrated_sqlite_template: Path, tmp_path: Path) -> str:
    shutil.copy(migrated_sqlite_template, tmp_path / "promptsaas.db")
    return f"sqlite:///{tmp_path / 'promptsaas.db'}"


@pytest.fixture
def migrated_postgres_url(migrated_postgres_database: str) -> str:
    """The session's PostgreSQL database, emptied (creating a database per test costs a second on a busy host)."""
    names = ", ".join(f'"{table.name}"' for table in tables.metadata.sorted_tables)
    with psycopg.connect(migrated_postgres_database, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {names} RESTART IDENTITY")
    return migrated_postgres_database


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    """Each backend in turn, empty and (for SQL) at the newest schema."""
    if request.param == "memory":
        store = MemoryStore()
        ledger = MemoryQuotaLedger(store)
        yield Backend("memory", MemoryUnitOfWorkFactory(store), ledger, ledger, store=store)
        return
    async for opened in _opened(request):
        yield opened


@pytest.fixture(params=SQL_BACKENDS)
async def sql(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    """SQLite and PostgreSQL only: what the database itself enforces."""
    async for opened in _opened(request):
        yield opened


async def _opened(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    opened = sql_backend(request.param, request.getfixturevalue(f"migrated_{request.param}_url"))
    yield opened
    assert opened.database is not None
    await opened.database.dispose()
