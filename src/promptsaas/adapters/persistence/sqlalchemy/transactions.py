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
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import DBAPIError, StatementError

from promptsaas.adapters.persistence.sqlalchemy.psycopg_driver import PsycopgDriver
from promptsaas.adapters.persistence.sqlalchemy.sqlite import SqliteDriver, WriteGate

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.ext.asyncio import AsyncConnection


SpanOpener = Callable[[str], Callable[[bool], None]]
"""Opens a trace span for a transaction on a dialect; what it returns ends the span (committed or not)."""
span_opener: SpanOpener | None = None
"""Set by the tracing adapter when traces are exported; unset, a transaction costs nothing more."""


class Driver(Protocol):
    """The DBAPI connection under a SQLAlchemy connection, driven directly.

    After `pipeline()`, until the transaction ends, a driver that can (PostgreSQL's) does not wait for the answers to
    `send` and `execute_many` statements: they are read with those of the next statement whose rows are read
    (`fetch`, `fetch_each`), at `flush` or with the COMMIT's, and an error among them is raised from there (or from a
    later statement's sending). Other drivers run each statement at once."""

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

    def release_driver(self) -> bool:
        """Undo what a dedicated driver set up, before its connection goes back to the pool; False when the
        connection is closed (by the server, or by the driver, which could not make it fit for the pool)."""
        if self._driver is None:
            return True
        self._driver.give_back()
        return not self._driver.lost()

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
