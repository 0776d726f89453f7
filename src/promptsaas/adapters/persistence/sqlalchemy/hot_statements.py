"""The ledger's writes, run on the driver connection: Core statements compiled once, typed as SQLAlchemy types them.

Every call's reserve and settle are eight short statements, and `Connection.execute` spends longer preparing each
(compiled-cache lookup, execution context, events, greenlet hops) than SQLite spends running it. Here a statement is
compiled once per parameter shape, and its parameters and RETURNING values pass through the type processors
`Connection.execute` would apply, so the rows are exactly the ones SQLAlchemy writes and reads everywhere else.
The transactions are the package's one kind (`transactions.WriteTransaction`), begun and ended on the driver too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.transactions import WriteTransaction, as_sqlalchemy_error

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
        self.returns_rows = bool(self._results)

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
        """A `Database.transaction` whose statements run on the driver connection, in pipeline mode on PostgreSQL
        (see `transactions.Driver`). Driver errors surface as SQLAlchemy's (`OperationalError`, `IntegrityError`,
        ...), as they do from `Connection.execute`."""
        dialect = self._database.engine.dialect
        try:
            async with self._database.transaction() as transaction:
                await transaction.driver.pipeline()
                yield DriverTransaction(self, transaction)
        except dialect.loaded_dbapi.Error as error:
            raise as_sqlalchemy_error(dialect, error) from error


class DriverTransaction:
    def __init__(self, statements: HotStatements, transaction: WriteTransaction) -> None:
        self._statements = statements
        self._transaction = transaction
        self._driver = transaction.driver

    async def execute(self, statement: UpdateBase, values: Values) -> list[tuple[Any, ...]]:
        """Execute and return the RETURNING rows. A statement without RETURNING returns none and, on PostgreSQL,
        is sent without waiting: its error, if any, is raised by the next read or by the COMMIT."""
        compiled = self._statements.compiled(statement, values)
        if not compiled.returns_rows:
            await self._driver.send(compiled.sql, compiled.parameters(values))
            return []
        return [compiled.row(raw) for raw in await self._driver.fetch(compiled.sql, compiled.parameters(values))]

    async def execute_each(self, statements: Sequence[tuple[UpdateBase, Values]]) -> list[list[tuple[Any, ...]]]:
        """Each statement's RETURNING rows (each must have RETURNING); on PostgreSQL all are sent before any answer
        is awaited, so they cost one round trip."""
        compiled = [self._statements.compiled(statement, values) for statement, values in statements]
        if not all(c.returns_rows for c in compiled):
            raise ValueError("execute_each runs statements with RETURNING only")
        sent = [(c.sql, c.parameters(values)) for c, (_, values) in zip(compiled, statements, strict=True)]
        answers = await self._driver.fetch_each(sent) if sent else []
        return [[c.row(raw) for raw in rows] for c, rows in zip(compiled, answers, strict=True)]

    async def execute_many(self, statement: UpdateBase, rows: Sequence[Values]) -> None:
        if rows:
            compiled = self._statements.compiled(statement, rows[0])
            await self._driver.execute_many(compiled.sql, [compiled.parameters(values) for values in rows])

    async def flush(self) -> None:
        """Wait for every statement sent so far: an error of one sent without waiting is raised now, before the
        COMMIT, so that a failed write is told from a failed commit (see `group_commit`)."""
        await self._driver.flush()

    async def rollback(self) -> None:
        await self._transaction.rollback()
