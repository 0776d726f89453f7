"""Opening a database from the URL a user types.

`sqlite:///path.db`, `sqlite:///:memory:` and `postgresql://user:pass@host/db` are mapped to their async drivers;
explicit async URLs are used as they are. SQLite runs in WAL mode with a busy timeout, its statements run on the
event loop's thread (see `sqlite_inline`), and its write transactions begin IMMEDIATE after the writers of this
process took turns at `write_gate`: concurrent writers queue instead of failing or interleaving.
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

from promptsaas.adapters.persistence.sqlalchemy.sqlite_inline import inline_connector
from promptsaas.domain.errors import InvalidInput

SQLITE_BUSY_TIMEOUT_S = 30.0
LAZY_BEGIN = "promptsaas_lazy_begin"
"""Execution option: on SQLite, emit no BEGIN yet; the unit of work begins IMMEDIATE at its first write."""
_LAZY: dict[bool, dict[str, Any]] = {True: {LAZY_BEGIN: True}, False: {"isolation_level": "AUTOCOMMIT"}}
"""How a connection reads outside a transaction until it writes: SQLite (True) and PostgreSQL (False)."""

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


class WriteGate:
    """Where this process's SQLite writers take turns, waiting asynchronously rather than inside SQLite."""

    def __init__(self, timeout: float) -> None:
        self._lock = asyncio.Lock()
        self._timeout = timeout

    async def acquire(self) -> None:
        if not self._lock.locked():
            await self._lock.acquire()
            return
        try:
            await asyncio.wait_for(self._lock.acquire(), self._timeout)
        except TimeoutError:
            raise TimeoutError(f"the database stayed locked for {self._timeout:.0f} s by another writer") from None

    def release(self) -> None:
        self._lock.release()


class Database:
    """One engine per database, with what its dialect needs to keep transactions short and writers serialized."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.in_memory = is_sqlite_memory(self.url)
        self.engine = _create_engine(self.url, pool_size)
        self.write_gate = WriteGate(SQLITE_BUSY_TIMEOUT_S) if self.is_sqlite else None

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def writer_turn(self) -> WriteGate | None:
        """Where a connection waits for this process's write turn before its transaction begins: on SQLite files
        only (PostgreSQL locks rows; an in-memory database's single connection holds the turn throughout)."""
        return None if self.in_memory else self.write_gate

    @asynccontextmanager
    async def connect(self, *, lazy_begin: bool = False) -> AsyncIterator[AsyncConnection]:
        """A connection whose transaction begins at its first statement (IMMEDIATE, on SQLite).

        On SQLite the connection holds this process's write turn while it is open, taken after the connection
        (so a turn holder never waits for the pool) and given back once its transaction has ended. With
        `lazy_begin` reads run outside a transaction (no BEGIN / ROLLBACK round trips for a read-only unit of
        work) and the caller begins one before writing (see `Statements.write`). An in-memory database has a
        single connection, so its users always take turns.
        """
        whole = self.write_gate if self.in_memory else None
        turn = None if lazy_begin else self.writer_turn
        if whole is not None:
            await whole.acquire()
        try:
            async with self._connection(turn) as conn:
                if lazy_begin:
                    await conn.execution_options(**_LAZY[self.is_sqlite])
                yield conn
        finally:
            if whole is not None:
                whole.release()

    @asynccontextmanager
    async def _connection(self, turn: WriteGate | None) -> AsyncIterator[AsyncConnection]:
        """A pooled connection, then the turn; the turn is given back after the connection (and its transaction)
        closed, so no other writer of this process begins while SQLite still holds the lock for this one."""
        holding = False
        try:
            async with self.engine.connect() as conn:
                if turn is not None:
                    await turn.acquire()
                    holding = True
                yield conn
        finally:
            if holding and turn is not None:
                turn.release()

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
    memory = is_sqlite_memory(url)
    options: dict[str, Any] = {
        "async_creator": inline_connector(url.database or ":memory:", timeout=SQLITE_BUSY_TIMEOUT_S)
    }
    if memory:
        options["poolclass"] = StaticPool
    else:
        options.update(pool_size=pool_size, max_overflow=2 * pool_size)
    engine = create_async_engine(url, **options)
    _take_over_sqlite_transactions(engine, wal=not memory)
    return engine


def _take_over_sqlite_transactions(engine: AsyncEngine, *, wal: bool) -> None:
    """The driver emits no BEGIN of its own (`isolation_level=None`); SQLAlchemy's begin emits BEGIN IMMEDIATE (see
    the SQLAlchemy docs, "Enabling Non-Legacy SQLite Transactional Modes"), which also makes DDL transactional."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        if not conn.get_execution_options().get(LAZY_BEGIN):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
