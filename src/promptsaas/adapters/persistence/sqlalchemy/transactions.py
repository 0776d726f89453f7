"""The one way the SQL adapters write: a `WriteTransaction` on a pooled connection.

Connections read outside any transaction (SQLite's driver and SQLAlchemy emit no BEGIN; PostgreSQL connections are
in AUTOCOMMIT), so a read never waits for, nor holds, a write lock. A write transaction takes this process's write
turn (SQLite files), emits BEGIN on the driver connection (IMMEDIATE on SQLite), and ends with COMMIT or ROLLBACK,
giving the turn back. Core statements and the ledger's driver statements (`hot_statements`) run inside it alike.

A BEGIN that finds its connection closed by the server (PostgreSQL restarted, or ended the session, since the
connection was pooled or kept) is sent once more on a new connection: nothing of the transaction has been sent, so
nothing can be applied twice. A statement after BEGIN is never sent again. When the new connection is closed too (the
server is still down), BEGIN fails with SQLAlchemy's error, as a statement sent through SQLAlchemy would, so the shells
tell it as the database being unavailable rather than as a fault.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, suppress
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import DBAPIError, StatementError

from promptsaas.adapters.persistence.sqlalchemy.sqlite import SqliteDriver, WriteGate

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.ext.asyncio import AsyncConnection


SpanOpener = Callable[[str], Callable[[bool], None]]
"""Opens a trace span for a transaction on a dialect; what it returns ends the span (committed or not)."""
span_opener: SpanOpener | None = None
"""Set by the tracing adapter when traces are exported; unset, a transaction costs nothing more."""


class Driver(Protocol):
    """The DBAPI connection under a SQLAlchemy connection, driven directly.

    After `pipeline()`, until the transaction ends, a driver that can (PostgreSQL's) sends `send` and `execute_many`
    statements without waiting for their answers: they go with the next statement whose rows are read (`fetch`,
    `fetch_each`) or with the COMMIT, and an error among them is raised there. Other drivers run each at once."""

    async def begin(self) -> None: ...
    async def pipeline(self) -> None: ...
    async def fetch(self, sql: str, parameters: Any) -> list[Any]: ...
    async def fetch_each(self, statements: list[tuple[str, Any]]) -> list[list[Any]]: ...
    async def send(self, sql: str, parameters: Any) -> None: ...
    async def flush(self) -> None:
        """Send what is queued and wait for it: the error of a statement sent without waiting is raised here."""
        ...

    async def execute_many(self, sql: str, parameters: list[Any]) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    def give_back(self) -> None: ...
    def lost(self) -> bool:
        """The server has closed this connection (a restart, a terminated session): nothing more can be sent on it."""
        ...


class WriteTransaction:
    """A write transaction on `conn`, begun by `begin` and ended by `commit` or `rollback` (each a no-op when none
    is open, so a block may end it early). `turn` is where this process's writers queue first (SQLite files)."""

    def __init__(self, conn: AsyncConnection, turn: WriteGate | None, driver: Driver | None = None) -> None:
        self.conn = conn
        self._turn = turn
        self._driver = driver
        self._holding = False
        self._end_span: Callable[[bool], None] | None = None
        self.active = False

    @property
    def driver(self) -> Driver:
        """The driver connection of an open transaction, for statements run straight on it."""
        if self._driver is None or not self.active:
            raise RuntimeError("no write transaction is open")
        return self._driver

    async def begin(self) -> None:
        if self.active:
            return
        if self._turn is not None:
            await self._turn.acquire()
            self._holding = True
        try:
            if self._driver is None:
                self._driver = await driver_of(self.conn)
            if span_opener is not None:
                self._end_span = span_opener(self.conn.dialect.name)
            await self._send_begin(self._driver)
        except BaseException:
            self._give_turn_back()
            self._close_span(False)
            raise
        self.active = True

    async def _send_begin(self, driver: Driver) -> None:
        """BEGIN; on a connection the server has closed, BEGIN once more on a new one (see the module's note)."""
        try:
            await driver.begin()
            return
        except Exception as error:
            if not driver.lost():
                raise
            await self.conn.run_sync(_discard_lost, error)
        self._driver = renewed = await driver_of(self.conn)
        try:
            await renewed.begin()
        except self.conn.dialect.loaded_dbapi.Error as error:
            lost = renewed.lost()
            if lost:
                await self.conn.run_sync(_discard_lost, error)
            raise as_sqlalchemy_error(self.conn.dialect, error, "BEGIN", lost=lost) from error

    def release_driver(self) -> None:
        """Undo what a dedicated driver set up, before its connection goes back to the pool."""
        if self._driver is not None:
            self._driver.give_back()

    async def commit(self) -> None:
        await self._end(commit=True)

    async def rollback(self) -> None:
        await self._end(commit=False)

    async def _end(self, *, commit: bool) -> None:
        """End on the driver; after Core statements (SQLAlchemy then tracks a transaction of its own, which emitted
        nothing), end through SQLAlchemy, whose COMMIT or ROLLBACK is the driver's, so both agree."""
        if not self.active or self._driver is None:
            return
        self.active = False
        try:
            if self.conn.in_transaction():
                await (self.conn.commit() if commit else self.conn.rollback())
            else:
                await (self._driver.commit() if commit else self._driver.rollback())
        finally:
            self._give_turn_back()
            self._close_span(commit)

    def _close_span(self, committed: bool) -> None:
        end, self._end_span = self._end_span, None
        if end is not None:
            end(committed)

    def _give_turn_back(self) -> None:
        if self._holding and self._turn is not None:
            self._holding = False
            self._turn.release()


def as_sqlalchemy_error(
    dialect: Dialect, error: Exception, statement: str | None = None, *, lost: bool = False
) -> StatementError:
    """A driver's error as SQLAlchemy's (`OperationalError`, `IntegrityError`, ...), as `Connection.execute` raises
    it; `lost` when the server had closed the connection, which is then no longer used."""
    return DBAPIError.instance(
        statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect, connection_invalidated=lost
    )


def _discard_lost(conn: Connection, error: BaseException) -> None:
    """Discard `conn`'s driver connection, found closed by the server, and every connection pooled before it (a server
    that closed one has closed them all), as SQLAlchemy does when one of its own statements finds a connection lost
    (`Pool._invalidate`, which has no public name); `conn`'s next use checks a new connection out of the pool."""
    conn.engine.pool._invalidate(conn.connection, error)
    conn.invalidate(error)
    if conn.in_transaction():  # reads before BEGIN began one in SQLAlchemy (emitting nothing); it must end first
        conn.rollback()


async def driver_of(conn: AsyncConnection, *, dedicated: bool = False) -> Driver:
    """The driver under `conn`; `dedicated` when the connection serves only write transactions until it is given
    back (`Driver.give_back`), which lets SQLite's driver set its no-wait BEGIN up once rather than per transaction."""
    driver_connection = (await conn.get_raw_connection()).driver_connection
    if conn.dialect.name == "sqlite":
        return SqliteDriver(driver_connection, dedicated=dedicated)
    return PsycopgDriver(driver_connection)


class PsycopgDriver:
    """psycopg's `AsyncConnection`, in autocommit as the engine hands it over: BEGIN opens a transaction.

    BEGIN is a round trip of its own (where a connection the server closed shows, see `WriteTransaction`). In
    pipeline mode (`pipeline`, which only the ledger's transactions enter: SQLAlchemy reads a statement's answer
    as soon as it is sent), statements are queued, a read sends what is queued and waits only for its own answer,
    and the COMMIT goes with whatever is still queued: one round trip for it all."""

    def __init__(self, connection: Any) -> None:
        self._conn: psycopg.AsyncConnection[Any] = connection
        self._entered: AbstractAsyncContextManager[psycopg.AsyncPipeline] | None = None
        self._pipeline: psycopg.AsyncPipeline | None = None

    async def begin(self) -> None:
        await self._conn.execute("BEGIN")

    async def pipeline(self) -> None:
        if self._entered is None:
            self._entered = self._conn.pipeline()
            self._pipeline = await self._entered.__aenter__()  # no I/O: libpq's pipeline mode is entered on the client

    async def fetch(self, sql: str, parameters: Any) -> list[Any]:
        async with self._conn.cursor() as cursor:
            await cursor.execute(sql, parameters)
            return await cursor.fetchall()

    async def fetch_each(self, statements: list[tuple[str, Any]]) -> list[list[Any]]:
        """Each statement's rows (each must return rows); in pipeline mode all are sent before any is read."""
        cursors = [self._conn.cursor() for _ in statements]
        try:
            for cursor, (sql, parameters) in zip(cursors, statements, strict=True):
                await cursor.execute(sql, parameters)
            return [await cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                await cursor.close()

    async def send(self, sql: str, parameters: Any) -> None:
        async with self._conn.cursor() as cursor:
            await cursor.execute(sql, parameters)

    async def execute_many(self, sql: str, parameters: list[Any]) -> None:
        async with self._conn.cursor() as cursor:
            await cursor.executemany(sql, parameters)

    async def flush(self) -> None:
        if self._pipeline is not None:
            await self._pipeline.sync()

    async def commit(self) -> None:
        if self._pipeline is None:
            await self._conn.commit()
            return
        await self.send("COMMIT", None)
        await self._leave_pipeline()  # sends what is queued, the COMMIT last, and raises the first error

    async def rollback(self) -> None:
        """In pipeline mode the ROLLBACK goes with the Sync that ends it, one round trip; a pipeline an error
        aborted skips it, and the failed transaction is rolled back once out of pipeline mode."""
        if self._pipeline is not None:
            with suppress(Exception):
                await self.send("ROLLBACK", None)
            with suppress(Exception):
                await self._leave_pipeline()
        await self._conn.rollback()  # nothing to send when the ROLLBACK above ended the transaction

    async def _leave_pipeline(self) -> None:
        entered, self._entered, self._pipeline = self._entered, None, None
        if entered is None:
            return
        try:
            await entered.__aexit__(None, None, None)
        finally:
            if self._conn.pgconn.pipeline_status:  # still in pipeline mode: closed, so that the pool drops it
                await self._conn.close()

    def give_back(self) -> None:
        return None

    def lost(self) -> bool:
        return self._conn.closed
