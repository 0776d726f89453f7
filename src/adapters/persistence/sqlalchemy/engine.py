"""Opening a database from the URL a user types.

`sqlite:///path.db`, `sqlite:///:memory:` and `postgresql://user:pass@host/db` are mapped to their async drivers;
explicit async URLs are used as they are. SQLite runs in WAL mode with a busy timeout, and its write transactions
begin IMMEDIATE, so concurrent writers (in this process or another) queue instead of failing or interleaving.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from domain.errors import InvalidInput

MEMORY_URL = "memory://"
SQLITE_BUSY_TIMEOUT_MS = 30_000
LAZY_BEGIN = "promptsaas_lazy_begin"
"""Execution option: on SQLite, emit no BEGIN yet; the unit of work begins IMMEDIATE at its first write."""

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def is_memory(url: str) -> bool:
    """The in-process adapters (`memory://`), as opposed to a SQL database."""
    return url.strip().startswith("memory:")


def async_url(url: str) -> URL:
    """The SQLAlchemy async URL for what a user typed; an unknown scheme is an error naming it."""
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        raise InvalidInput(f"database URL {url!r} has no scheme (sqlite:///file.db, postgresql://...)", field="url")
    try:
        parsed = make_url(f"{_ASYNC_DRIVERS.get(scheme, scheme)}://{rest}")
    except ArgumentError as error:
        raise InvalidInput(f"database URL {url!r} is malformed: {error}", field="url") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput(f"database URL {url!r}: only sqlite and postgresql are supported", field="url")
    return parsed


def is_sqlite_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


class Database:
    """One engine per database, with what its dialect needs to keep transactions short and writers serialized."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.in_memory = is_sqlite_memory(self.url)
        self.engine = _create_engine(self.url, pool_size)
        self._gate = asyncio.Lock() if self.in_memory else None

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @asynccontextmanager
    async def connect(self, *, lazy_begin: bool = False) -> AsyncIterator[AsyncConnection]:
        """A connection; its transaction begins at the first statement (IMMEDIATE on SQLite unless `lazy_begin`).

        An in-memory SQLite database has one connection, so its users take turns.
        """
        if self._gate is not None:
            await self._gate.acquire()
        try:
            async with self.engine.connect() as conn:
                if lazy_begin and self.is_sqlite:
                    await conn.execution_options(**{LAZY_BEGIN: True})
                yield conn
        finally:
            if self._gate is not None:
                self._gate.release()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A short write transaction: committed when the block ends, rolled back if it raises."""
        async with self.connect() as conn, conn.begin():
            yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()


def _create_engine(url: URL, pool_size: int) -> AsyncEngine:
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=pool_size, max_overflow=2 * pool_size)
    options: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if is_sqlite_memory(url):
        options["poolclass"] = StaticPool
    else:
        options.update(pool_size=pool_size, max_overflow=2 * pool_size)
    engine = create_async_engine(url, **options)
    _take_over_sqlite_transactions(engine, wal=not is_sqlite_memory(url))
    return engine


def _take_over_sqlite_transactions(engine: AsyncEngine, *, wal: bool) -> None:
    """The driver emits no BEGIN of its own; SQLAlchemy's begin emits BEGIN IMMEDIATE (see the SQLAlchemy docs,
    "Enabling Non-Legacy SQLite Transactional Modes"), which also makes DDL transactional for migrations."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        if not conn.get_execution_options().get(LAZY_BEGIN):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
