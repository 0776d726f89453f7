"""psycopg's `AsyncConnection` driven directly (see `transactions.Driver`), in pipeline mode for the ledger.

The connection is in autocommit, as the engine hands it over: BEGIN opens a transaction, a round trip of its own,
where a connection the server closed shows (see `WriteTransaction`). In pipeline mode (`pipeline`, which only the
ledger's transactions enter: SQLAlchemy reads a statement's answer as soon as it sends it), a statement is sent
without waiting for its answer; a read waits for the answers up to its own, and the COMMIT's round trip takes every
answer still owed. A connection never leaves a transaction in pipeline mode: COMMIT and ROLLBACK leave it whatever
happens, cancellation included, and one that could not leave it is closed, so that the pool drops it.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


class PsycopgDriver:
    def __init__(self, connection: Any) -> None:
        self._conn: psycopg.AsyncConnection[Any] = connection
        self._entered: AbstractAsyncContextManager[psycopg.AsyncPipeline] | None = None
        self._pipeline: psycopg.AsyncPipeline | None = None

    async def begin(self) -> None:
        await self._conn.execute("BEGIN")

    async def pipeline(self) -> None:
        if self._entered is None:
            entering = self._conn.pipeline()
            self._pipeline = await entering.__aenter__()  # no I/O: libpq enters pipeline mode on the client
            self._entered = entering

    async def fetch(self, sql: str, parameters: Any) -> list[Any]:
        async with self._conn.cursor() as cursor:
            await cursor.execute(sql, parameters)
            return await cursor.fetchall()

    async def fetch_each(self, statements: list[tuple[str, Any]]) -> list[list[Any]]:
        """Each statement's rows (each must return rows); in pipeline mode all are sent before any answer is read."""
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
        if self._entered is None:
            await self._conn.commit()
            return
        try:
            await self.send("COMMIT", None)
        except BaseException:
            with suppress(Exception):
                await self._leave_pipeline()
            raise
        await self._leave_pipeline()  # the Sync that ends the pipeline: the first error among the answers is raised

    async def rollback(self) -> None:
        """In pipeline mode the ROLLBACK goes with the Sync that ends it, one round trip; a pipeline an error
        aborted skips it, and the failed transaction is rolled back once out of pipeline mode."""
        if self._entered is not None:
            try:
                with suppress(Exception):
                    await self.send("ROLLBACK", None)
            finally:
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
        """Before the connection goes back to the pool: one still in pipeline mode (its transaction was interrupted
        where it could not leave it) is closed, so that the pool drops it rather than hand it to SQLAlchemy."""
        if self._entered is not None or self._conn.pgconn.pipeline_status:
            self._entered = self._pipeline = None
            self._conn.pgconn.finish()

    def lost(self) -> bool:
        return self._conn.closed
