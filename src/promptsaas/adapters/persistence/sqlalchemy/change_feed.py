"""Changes committed by any process, from the audit trail every change writes: PostgreSQL notifies listeners (a
trigger of migration 0009 runs `pg_notify` on each audit insert); SQLite serializes its writers, so the audit
entries' increasing `seq` is a change counter that a cheap poll compares."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import func, select

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.tables import audit_entries
from promptsaas.adapters.persistence.sqlalchemy.transactions import Driver, driver_of
from promptsaas.application.ports.changes import ChangeFeed

CHANNEL = "promptsaas_changes"
RECONNECT_SECONDS = 1.0
log = logging.getLogger("promptsaas.changes")


class SqliteChangeCounter(ChangeFeed):
    """Polls the highest audit `seq` (an index lookup) every `interval` seconds, on a connection kept for it and
    straight on its driver; on a rise, reads the new entries' tenants."""

    def __init__(self, database: Database, interval: float = 0.05) -> None:
        self._database = database
        self._interval = interval

    async def follow(self, changed: Callable[[str], None]) -> None:
        async with self._database.engine.connect() as conn:
            driver = await driver_of(conn)
            highest_sql = str(select(func.max(audit_entries.c.seq)).compile(dialect=conn.dialect))
            last = await _highest(driver, highest_sql)
            while True:
                await asyncio.sleep(self._interval)
                try:
                    highest = await _highest(driver, highest_sql)
                    if highest > last:
                        for tenant_id in await self._tenants_after(last, highest):
                            changed(tenant_id)
                        last = highest
                except Exception:  # a locked or closing database: the next poll tries again
                    log.debug("change counter poll failed", exc_info=True)

    async def _tenants_after(self, last: int, highest: int) -> set[str]:
        query = select(audit_entries.c.tenant_id).where(audit_entries.c.seq > last, audit_entries.c.seq <= highest)
        async with self._database.engine.connect() as conn:
            return {row[0] for row in await conn.execute(query.distinct())}


async def _highest(driver: Driver, sql: str) -> int:
    [(value,)] = await driver.fetch(sql, ())
    return int(value or 0)


class PostgresNotifications(ChangeFeed):
    """`LISTEN promptsaas_changes` on a connection of its own (reconnected when lost); each payload is a tenant."""

    def __init__(self, database: Database) -> None:
        self._conninfo = database.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def follow(self, changed: Callable[[str], None]) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    async for notification in conn.notifies():
                        changed(notification.payload)
            except psycopg.Error:
                log.warning("lost the change notifications connection; reconnecting")
                await asyncio.sleep(RECONNECT_SECONDS)


def change_feed(database: Database, interval: float = 0.05) -> ChangeFeed:
    return SqliteChangeCounter(database, interval) if database.is_sqlite else PostgresNotifications(database)
