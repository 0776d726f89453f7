"""The ledger's writes, run on the driver connection: Core statements compiled once, typed as SQLAlchemy types them.

Every call's reserve and settle are eight short statements, and `Connection.execute` spends longer preparing each
(compiled-cache lookup, execution context, events, greenlet hops) than SQLite spends running it. Here a statement is
compiled once per parameter shape, and its parameters and RETURNING values pass through the type processors
`Connection.execute` would apply, so the rows are exactly the ones SQLAlchemy writes and reads everywhere else.
Transactions keep the discipline of `Database.connect`: SQLite writers hold this process's write turn from before
BEGIN IMMEDIATE until after COMMIT or ROLLBACK; PostgreSQL locks rows in an ordinary transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

from promptsaas.adapters.persistence.sqlalchemy.engine import Database

if TYPE_CHECKING:
    import psycopg

Values = Mapping[str, Any]


class CompiledStatement:
    """One statement compiled for one dialect and one set of parameter names."""

    def __init__(self, statement: UpdateBase, database: Database, names: Sequence[str]) -> None:
        dialect = database.engine.dialect
        compiled = statement.compile(dialect=dialect, column_keys=sorted(names))
        if not isinstance(compiled, SQLCompiler) or _needs_execution_context(compiled):
            raise ValueError(f"not a statement to run on the driver: {compiled}")
        binds = compiled.binds
        self.sql = compiled.string
        self.positional = compiled.positiontup is not None
        order = compiled.positiontup if compiled.positiontup is not None else list(binds)
        self._binds = [(name, binds[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order]
        returned = statement.exported_columns
        self._results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned]

    def parameters(self, values: Values) -> Any:
        """The driver's parameters (a tuple for positional paramstyles, a dict for named ones)."""
        if self.positional:
            return tuple(values[n] if p is None else p(values[n]) for n, p in self._binds)
        return {n: values[n] if p is None else p(values[n]) for n, p in self._binds}

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(value if p is None else p(value) for value, p in zip(raw, self._results, strict=True))


def _needs_execution_context(compiled: SQLCompiler) -> bool:
    """Renamed parameters, Python-side defaults or an implicit RETURNING (of a new row's key; `insert().inline()`
    has none): what `Connection.execute` would handle and these statements do not."""
    prefetch = compiled.insert_prefetch or compiled.update_prefetch
    return bool(compiled.escaped_bind_names or prefetch or compiled.implicit_returning)


class HotStatements:
    """A database's statements compiled at first use (once a connection has set the dialect up), and the
    transactions that run them."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._compiled: dict[tuple[UpdateBase, tuple[str, ...]], CompiledStatement] = {}

    def compiled(self, statement: UpdateBase, values: Values) -> CompiledStatement:
        key = (statement, tuple(values))
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = CompiledStatement(statement, self._database, key[1])
        return found

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DriverTransaction]:
        """A write transaction, committed when the block ends unless rolled back; rolled back if the block raises.
        Driver errors surface as SQLAlchemy's (`OperationalError`, `IntegrityError`, ...), as they always did."""
        database = self._database
        async with database.connect() as conn:
            driver_connection = (await conn.get_raw_connection()).driver_connection
            driver = _SqliteDriver(driver_connection) if database.is_sqlite else _PsycopgDriver(driver_connection)
            transaction = DriverTransaction(self, driver)
            driver_error: type[Exception] = conn.dialect.loaded_dbapi.Error
            try:
                await driver.begin()
                yield transaction
                await transaction.commit()
            except BaseException as error:
                with suppress(Exception):  # the pool's reset-on-return tries again, or discards the connection
                    await transaction.rollback()
                if isinstance(error, driver_error):
                    raise DBAPIError.instance(None, None, error, driver_error, dialect=conn.dialect) from error
                raise


class DriverTransaction:
    def __init__(self, statements: HotStatements, driver: _SqliteDriver | _PsycopgDriver) -> None:
        self._statements = statements
        self._driver = driver
        self._open = True

    async def execute(self, statement: UpdateBase, values: Values) -> list[tuple[Any, ...]]:
        """Execute and return the RETURNING rows (none for a statement without RETURNING)."""
        compiled = self._statements.compiled(statement, values)
        return [compiled.row(raw) for raw in await self._driver.fetch(compiled.sql, compiled.parameters(values))]

    async def execute_many(self, statement: UpdateBase, rows: Sequence[Values]) -> None:
        if rows:
            compiled = self._statements.compiled(statement, rows[0])
            await self._driver.execute_many(compiled.sql, [compiled.parameters(values) for values in rows])

    async def commit(self) -> None:
        if self._open:
            await self._driver.commit()
            self._open = False

    async def rollback(self) -> None:
        if self._open:
            self._open = False
            await self._driver.rollback()


class _SqliteDriver:
    """The `sqlite3` connection under `sqlite_inline.InlineConnection`; it emits no BEGIN of its own."""

    def __init__(self, inline: Any) -> None:
        self._conn: sqlite3.Connection = inline.sqlite3_connection

    async def begin(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    async def fetch(self, sql: str, parameters: Any) -> list[Any]:
        return self._conn.execute(sql, parameters).fetchall()

    async def execute_many(self, sql: str, parameters: list[Any]) -> None:
        self._conn.executemany(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()


class _PsycopgDriver:
    """psycopg's `AsyncConnection`, out of autocommit as the pool hands it over: its first statement begins."""

    def __init__(self, connection: Any) -> None:
        self._conn: psycopg.AsyncConnection[Any] = connection

    async def begin(self) -> None:
        return None

    async def fetch(self, sql: str, parameters: Any) -> list[Any]:
        async with self._conn.cursor() as cursor:
            await cursor.execute(sql, parameters)
            return await cursor.fetchall() if cursor.description is not None else []

    async def execute_many(self, sql: str, parameters: list[Any]) -> None:
        async with self._conn.cursor() as cursor:
            await cursor.executemany(sql, parameters)

    async def commit(self) -> None:
        await self._conn.commit()

    async def rollback(self) -> None:
        await self._conn.rollback()
