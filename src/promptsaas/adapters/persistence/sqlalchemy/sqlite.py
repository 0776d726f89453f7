"""Everything SQLite needs and PostgreSQL does not, in one place.

* Statements run on the event loop's own thread: aiosqlite runs each connection on a thread of its own, and every
  cursor, execute, fetch and close is a hop between threads (about 80 per chat, most of a call's cost), while a local
  SQLite statement takes microseconds. The `Inline*` classes implement the part of aiosqlite's API that
  `sqlalchemy.dialects.sqlite.aiosqlite` uses, handed to it through `create_async_engine(async_creator=...)`.
* WAL journal, `synchronous=NORMAL` and a busy timeout, set on every new connection.
* Write transactions begin IMMEDIATE (`SqliteDriver.begin`), after this process's writers took turns at a
  `WriteGate`: they queue on an asyncio lock instead of waiting inside SQLite. While another *process* holds the
  write lock, BEGIN is tried without SQLite's busy wait and retried after an asynchronous sleep, so the event loop
  keeps serving other requests for as long as that process writes (up to the busy timeout).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

BUSY_TIMEOUT_S = 30.0
RETRY_FIRST_S = 0.001
RETRY_MAX_S = 0.02
BEGIN_WRITE = "BEGIN IMMEDIATE"
"""Take the database's write lock when the transaction begins, so two writers never deadlock upgrading a read."""


def is_memory_url(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_engine(url: URL, pool_size: int) -> AsyncEngine:
    """An engine whose connections run inline, with the pragmas set; the driver emits no BEGIN of its own
    (`isolation_level=None`), and SQLAlchemy's begin none either: writes begin in `WriteTransaction`."""
    from sqlalchemy.ext.asyncio import create_async_engine  # imports the ORM: only a process that opens one pays

    memory = is_memory_url(url)
    options: dict[str, Any] = {"async_creator": _inline_connector(url.database or ":memory:")}
    if memory:
        options["poolclass"] = StaticPool
    else:
        options.update(pool_size=pool_size, max_overflow=2 * pool_size)
    engine = create_async_engine(url, **options)
    wal = not memory

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    return engine


class WriteGate:
    """Where this process's SQLite writers take turns, waiting asynchronously rather than inside SQLite."""

    def __init__(self, timeout: float = BUSY_TIMEOUT_S) -> None:
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


class SqliteDriver:
    """The `sqlite3` connection under an `InlineConnection`, for statements run straight on it. A `dedicated`
    driver serves only write transactions until `give_back`: its busy timeout stays at zero meanwhile (nothing but
    BEGIN waits for a lock once the transaction holds the write lock), instead of being switched off and on around
    every BEGIN."""

    def __init__(self, inline: Any, *, dedicated: bool = False) -> None:
        self._conn: sqlite3.Connection = inline.sqlite3_connection
        self._dedicated = dedicated
        if dedicated:
            self._conn.execute("PRAGMA busy_timeout=0")

    def give_back(self) -> None:
        """Restore the busy timeout before the connection serves anything else."""
        if self._dedicated:
            self._dedicated = False
            self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")

    async def begin(self) -> None:
        """BEGIN IMMEDIATE without SQLite's busy wait (which would block the loop): while another process holds
        the write lock, sleep asynchronously and try again, until the busy timeout."""
        if self._try_begin():
            return
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + BUSY_TIMEOUT_S, RETRY_FIRST_S
        while loop.time() < deadline:
            await asyncio.sleep(pause)
            if self._try_begin():
                return
            pause = min(pause * 2, RETRY_MAX_S)
        raise TimeoutError(f"the database stayed locked for {BUSY_TIMEOUT_S:.0f} s by another process")

    def _try_begin(self) -> bool:
        if not self._dedicated:
            self._conn.execute("PRAGMA busy_timeout=0")
        try:
            self._conn.execute(BEGIN_WRITE)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            return False
        finally:
            if not self._dedicated:
                self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        return True

    async def fetch(self, sql: str, parameters: Any) -> list[Any]:
        return self._conn.execute(sql, parameters).fetchall()

    async def execute_many(self, sql: str, parameters: list[Any]) -> None:
        self._conn.executemany(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()


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


def _inline_connector(database: str) -> Any:
    """The `async_creator` for `create_async_engine`: opens `database` for use on the calling thread."""

    async def connect() -> InlineConnection:
        uri = database.startswith("file:")
        connection = sqlite3.connect(
            database, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False, uri=uri
        )
        return InlineConnection(connection)

    return connect
