"""The unit of work's connection, as the repositories use it: reads, and writes that open the write transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, RowMapping
from sqlalchemy.exc import IntegrityError

from promptsaas.adapters.persistence.sqlalchemy.transactions import WriteTransaction
from promptsaas.domain.errors import AlreadyExists

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


class Statements:
    """Runs a unit of work's statements: reads before the first write run outside a transaction, and the first write
    begins `transaction`, so units of work that only read never wait for, nor hold, the database's write lock."""

    def __init__(self, transaction: WriteTransaction) -> None:
        self.transaction = transaction
        self.conn: AsyncConnection = transaction.conn
        self.dialect = self.conn.dialect.name

    async def rows(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Sequence[RowMapping]:
        return (await self.conn.execute(statement, params)).mappings().all()

    async def row(self, statement: Executable, params: Mapping[str, Any] | None = None) -> RowMapping | None:
        return (await self.conn.execute(statement, params)).mappings().first()

    async def write(
        self,
        statement: Executable,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        *,
        conflict: tuple[str, str] | None = None,
    ) -> int:
        """Execute a change and return its row count; a unique key clash becomes `AlreadyExists(*conflict)`."""
        await self.transaction.begin()
        try:
            result = await self.conn.execute(statement, params)
        except IntegrityError:
            if conflict is None:
                raise
            raise AlreadyExists(*conflict) from None
        return int(result.rowcount)


def dialect_module(name: str) -> ModuleType:
    """The SQLAlchemy dialect module of `name`, for its `insert ... on conflict`; PostgreSQL's (which loads every
    PostgreSQL driver's dialect) is imported only by a process that uses it."""
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite
