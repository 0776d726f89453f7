"""Opening a database from the URL a user types, and the two ways to use it: read, or write in a transaction.

`sqlite:///path.db`, `sqlite:///:memory:` and `postgresql://user:pass@host/db` are mapped to their async drivers;
explicit async URLs are used as they are. What SQLite needs beyond that lives in `sqlite`; how a write transaction
begins and ends, in `transactions`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from promptsaas.adapters.persistence.sqlalchemy import sqlite
from promptsaas.adapters.persistence.sqlalchemy.column_types import json_text
from promptsaas.adapters.persistence.sqlalchemy.sqlite import WriteGate
from promptsaas.adapters.persistence.sqlalchemy.transactions import WriteTransaction, driver_of
from promptsaas.domain.errors import InvalidInput

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


class Database:
    """One engine per database, with what its dialect needs to keep transactions short and writers serialized."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.in_memory = sqlite.is_memory_url(self.url)
        self.write_gate = WriteGate() if self.is_sqlite else None
        self._keep = 1 if self.is_sqlite else max(1, pool_size // 2)
        self._kept: list[WriteTransaction] = []
        """Connections kept for write transactions, each with the transaction that begins and ends on it."""
        self._slots = None if self.is_sqlite else asyncio.Semaphore(self._keep)
        self.engine = _create_engine(self.url, pool_size + (0 if self.is_sqlite else self._keep))

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database's file; None on PostgreSQL and for an in-memory SQLite database."""
        if not self.is_sqlite or self.in_memory or not self.url.database:
            return None
        return Path(self.url.database)

    @property
    def writer_turn(self) -> WriteGate | None:
        """Where a write transaction waits for this process's write turn before it begins: on SQLite files only
        (PostgreSQL locks rows; an in-memory database's single connection holds the turn throughout)."""
        return None if self.in_memory else self.write_gate

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection whose statements run outside any transaction until a `WriteTransaction` begins one
        (no BEGIN / ROLLBACK round trips for reads). An in-memory database has a single connection, so its users
        take turns for as long as they hold it."""
        whole = self.write_gate if self.in_memory else None
        if whole is not None:
            await whole.acquire()
        try:
            async with self.engine.connect() as conn:
                yield conn
        finally:
            if whole is not None:
                whole.release()

    def write_transaction(self, conn: AsyncConnection) -> WriteTransaction:
        """A write transaction on a connection of this database, not begun yet (a unit of work begins it at its
        first write)."""
        return WriteTransaction(conn, self.writer_turn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteTransaction]:
        """A short write transaction: begun now, committed when the block ends, rolled back if it raises.

        On an SQLite file the process's write turn is taken first and the transaction runs on the connection the
        previous one used, so writers queue for the turn rather than each holding a connection, and no connection
        is checked out of the pool, set up or returned per transaction. On PostgreSQL as many of these
        transactions run at once as there are connections kept for them (half the pool size, added to the pool),
        so a burst queues for a kept connection instead of overflowing the pool and opening new ones. A connection
        whose transaction failed is given back to the pool (which resets or discards it), never kept; one the server
        closed while it was kept is replaced at BEGIN (`WriteTransaction.begin`)."""
        if self.in_memory:
            async with self.connect() as conn, _ended(self.write_transaction(conn)) as transaction:
                yield transaction
            return
        turn = self.writer_turn or self._slots
        if turn is not None:
            await turn.acquire()
        try:
            kept = self._kept.pop() if self._kept else await self._open()
            try:
                async with _ended(kept) as transaction:
                    yield transaction
            except BaseException:
                await _give_back(kept)
                raise
            if len(self._kept) < self._keep:
                self._kept.append(kept)
            else:
                await _give_back(kept)
        finally:
            if turn is not None:
                turn.release()

    async def dispose(self) -> None:
        kept, self._kept = self._kept, []
        for transaction in kept:
            await _give_back(transaction)
        await self.engine.dispose()

    async def _open(self) -> WriteTransaction:
        conn = await self.engine.connect()
        return WriteTransaction(conn, None, await driver_of(conn, dedicated=True))


async def _give_back(kept: WriteTransaction) -> None:
    """Return a kept connection to the pool (which resets it), or discard a closed one."""
    usable = False
    with suppress(Exception):
        usable = kept.release_driver()
    with suppress(Exception):
        await (kept.conn.close() if usable else kept.conn.invalidate())


@asynccontextmanager
async def _ended(transaction: WriteTransaction) -> AsyncIterator[WriteTransaction]:
    """`transaction` begun, committed when the block ends, rolled back if it raises."""
    await transaction.begin()
    try:
        yield transaction
    except BaseException:
        with suppress(Exception):  # the pool's reset-on-return tries again, or discards the connection
            await transaction.rollback()
        raise
    await transaction.commit()


def _create_engine(url: URL, pool_size: int) -> AsyncEngine:
    if url.get_backend_name() == "sqlite":
        return sqlite.create_engine(url, pool_size)
    return create_async_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_size=pool_size,
        max_overflow=2 * pool_size,
        json_serializer=json_text,
        hide_parameters=True,  # an error's text (logged with its traceback) tells the statement, not the values
    )
