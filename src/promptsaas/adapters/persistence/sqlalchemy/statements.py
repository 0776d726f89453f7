"""The unit of work's connection, as the repositories use it: reads, and writes that open the write transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from promptsaas.adapters.persistence.sqlalchemy.engine import WriteGate
from promptsaas.domain.errors import AlreadyExists


class Statements:
    """Runs statements on a connection opened with `lazy_begin`: reads before the first write run outside a
    transaction, and the first write begins one (on SQLite, after taking this process's write turn at `gate`,
    IMMEDIATE), so units of work that only read never wait for, nor hold, the database's write lock."""

    def __init__(self, conn: AsyncConnection, gate: WriteGate | None = None) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self._begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
        self._gate = gate
        self._writing = False
        self._holding = False

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
        if not self._writing:
            await self._begin_transaction()
        self._writing = True
        try:
            result = await self.conn.execute(statement, params)
        except IntegrityError:
            if conflict is None:
                raise
            raise AlreadyExists(*conflict) from None
        return int(result.rowcount)

    async def _begin_transaction(self) -> None:
        if self._gate is not None:
            await self._gate.acquire()
            self._holding = True
        try:
            await self.conn.exec_driver_sql(self._begin)
        except BaseException:
            self.ended()
            raise

    def ended(self) -> None:
        """The transaction was committed or rolled back: give up the write turn; the next write begins anew."""
        self._writing = False
        if self._holding:
            self._holding = False
            assert self._gate is not None
            self._gate.release()
