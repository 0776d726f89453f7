"""The unit of work's connection, as the repositories use it: reads, and writes that open the write transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import AlreadyExists


class Statements:
    """Runs statements on one connection. On SQLite, reads before the first write run outside a transaction and
    the first write begins IMMEDIATE, so units of work that only read never take the database's write lock."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self._lazy_begin = self.dialect == "sqlite"
        self._writing = False

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
        if self._lazy_begin and not self._writing:
            await self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        self._writing = True
        try:
            result = await self.conn.execute(statement, params)
        except IntegrityError:
            if conflict is None:
                raise
            raise AlreadyExists(*conflict) from None
        return int(result.rowcount)

    def ended(self) -> None:
        """The transaction was committed or rolled back; the next write begins a new one."""
        self._writing = False
