"""Everything SQLite needs and PostgreSQL does not, in one package.

* Statements run on the event loop's own thread (`inline`: the part of aiosqlite's API SQLAlchemy uses).
* WAL journal, `synchronous=NORMAL`, a busy timeout and a larger auto-checkpoint, set on every new connection; a
  serving process checkpoints in a thread instead (`checkpoint`).
* Write transactions begin IMMEDIATE (`SqliteDriver.begin`), after this process's writers took turns at a
  `WriteGate`: they queue on an asyncio lock instead of waiting inside SQLite. While another *process* holds the
  write lock, BEGIN is tried without SQLite's busy wait and retried after an asynchronous sleep, so the event loop
  keeps serving other requests for as long as that process writes (up to the busy timeout).
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from promptsaas.adapters.persistence.sqlalchemy.column_types import json_text
from promptsaas.adapters.persistence.sqlalchemy.sqlite.checkpoint import AUTO_CHECKPOINT_PAGES
from promptsaas.adapters.persistence.sqlalchemy.sqlite.inline import BUSY_TIMEOUT_S, inline_connector

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

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
    options: dict[str, Any] = {
        "async_creator": inline_connector(url.database or ":memory:"),
        "json_serializer": json_text,
        "hide_parameters": True,  # an error's text (logged with its traceback) tells the statement, not the values
    }
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
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTO_CHECKPOINT_PAGES}")
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
            async with asyncio.timeout(self._timeout):  # not `wait_for`, which would make a task per waiter
                await self._lock.acquire()
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
            self._wait(False)

    def give_back(self) -> None:
        """Restore the busy timeout before the connection serves anything else."""
        if self._dedicated:
            self._dedicated = False
            self._wait(True)

    def lost(self) -> bool:
        """A file database has no server to close it."""
        return False

    async def begin(self) -> None:
        """BEGIN IMMEDIATE without SQLite's busy wait (which would block the loop): while another process holds
        the write lock, sleep asynchronously and try again, until the busy timeout."""
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + BUSY_TIMEOUT_S, RETRY_FIRST_S
        while not self._try_begin():
            if loop.time() >= deadline:
                raise TimeoutError(f"the database stayed locked for {BUSY_TIMEOUT_S:.0f} s by another process")
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MAX_S)

    def _try_begin(self) -> bool:
        if not self._dedicated:
            self._wait(False)
        try:
            self._conn.execute(BEGIN_WRITE)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            return False
        finally:
            if not self._dedicated:
                self._wait(True)
        return True

    def _wait(self, wait: bool) -> None:
        self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000) if wait else 0}")

    async def pipeline(self) -> None:
        """Statements on a local file take microseconds: each runs at once."""

    async def fetch(self, sql: str, parameters: Any) -> list[Any]:
        return self._conn.execute(sql, parameters).fetchall()

    async def fetch_each(self, statements: list[tuple[str, Any]]) -> list[list[Any]]:
        return [self._conn.execute(sql, parameters).fetchall() for sql, parameters in statements]

    async def send(self, sql: str, parameters: Any) -> None:
        self._conn.execute(sql, parameters)

    async def flush(self) -> None:
        return None

    async def execute_many(self, sql: str, parameters: list[Any]) -> None:
        self._conn.executemany(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()
