"""SQLite statements on the event loop's own thread, behind the part of aiosqlite's API that SQLAlchemy uses.

aiosqlite runs each connection on a thread of its own, and every cursor, execute, fetch and close is a hop between
threads (about 80 per chat, most of a call's cost), while a local SQLite statement takes microseconds. These classes
are handed to `sqlalchemy.dialects.sqlite.aiosqlite` through `create_async_engine(async_creator=...)`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

BUSY_TIMEOUT_S = 30.0


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """A sqlite3 connection with aiosqlite's coroutine interface (`isolation_level=None`: `WriteTransaction` begins)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def sqlite3_connection(self) -> sqlite3.Connection:
        """The connection itself, for statements run straight on it (see `SqliteDriver`)."""
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    def cursor(self) -> _CursorOpener:
        return _CursorOpener(self._conn)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _CursorOpener:
    """What `aiosqlite.Connection.cursor()` returns: awaitable, and usable with `async with`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> InlineCursor:
        return InlineCursor(self._connection.cursor())

    async def __aexit__(self, *exc: object) -> None:
        return None


def inline_connector(database: str) -> Any:
    """The `async_creator` for `create_async_engine`: opens `database` for use on the calling thread."""

    async def connect() -> InlineConnection:
        uri = database.startswith("file:")
        connection = sqlite3.connect(
            database, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False, uri=uri
        )
        return InlineConnection(connection)

    return connect
