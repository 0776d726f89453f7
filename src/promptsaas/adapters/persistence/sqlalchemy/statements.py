"""The unit of work's connection, as the repositories use it: reads, and writes that open the write transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, Executable, RowMapping
from sqlalchemy.exc import DBAPIError, IntegrityError

from promptsaas.adapters.persistence.sqlalchemy.transactions import WriteTransaction
from promptsaas.domain.errors import AlreadyExists

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


class Statements:
    """Runs a unit of work's statements: reads before the first write run outside a transaction, and the first write
    begins `transaction`, so units of work that only read never wait for, nor hold, the database's write lock.

    The connection comes from the pool, where the server may have closed it since (PostgreSQL restarted): a first
    statement sent outside a transaction (a read: a write begins one first) that finds it lost is sent once more, on
    a new connection. A read changes nothing, so nothing happens twice; BEGIN is renewed the same way
    (`WriteTransaction.begin`), and a statement inside a transaction never is."""

    def __init__(self, transaction: WriteTransaction) -> None:
        self.transaction = transaction
        self.conn: AsyncConnection = transaction.conn
        self.dialect = self.conn.dialect.name
        self._first = self.dialect != "sqlite"  # a file has no server to close it

    async def rows(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Sequence[RowMapping]:
        return (await self._execute(statement, params)).mappings().all()

    async def row(self, statement: Executable, params: Mapping[str, Any] | None = None) -> RowMapping | None:
        return (await self._execute(statement, params)).mappings().first()

    async def _execute(self, statement: Executable, params: Mapping[str, Any] | None) -> CursorResult[Any]:
        if self._first:
            self._first = False
            if not self.transaction.active:
                return await first_read(self.conn, statement, params)
        return await self.conn.execute(statement, params)

    async def write(
        self,
        statement: Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        *,
        conflict: tuple[str, str] | None = None,
    ) -> int:
        """Execute a change and return its row count; a unique key clash becomes `AlreadyExists(*conflict)`."""
        self._first = False
        await self.transaction.begin()
        try:
            result = await self.conn.execute(statement, params)
        except IntegrityError:
            if conflict is None:
                raise
            raise AlreadyExists(*conflict) from None
        return int(result.rowcount)


async def first_read(
    conn: AsyncConnection, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """`statement`, a read, as the first statement on a connection from the pool: when the server has closed the
    connection since (PostgreSQL restarted), SQLAlchemy discards it with every connection pooled before it, and the
    read is sent once more on a new one. A read changes nothing, so nothing happens twice."""
    try:
        return await conn.execute(statement, params)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    await conn.rollback()  # ends SQLAlchemy's transaction on the lost connection; the next use reconnects
    return await conn.execute(statement, params)


def dialect_module(name: str) -> ModuleType:
    """The SQLAlchemy dialect module of `name`, for its `insert ... on conflict`; PostgreSQL's (which loads every
    PostgreSQL driver's dialect) is imported only by a process that uses it."""
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite
