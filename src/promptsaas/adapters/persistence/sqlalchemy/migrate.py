"""Migrations from code: `upgrade`, `current` and `is_up_to_date` for the CLI, the library and tests.

The Alembic configuration lives here rather than in an alembic.ini, so it works from any directory; the
environment and the revisions ship inside the package (`promptsaas/migrations`), found with `importlib.resources`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from promptsaas.adapters.persistence.sqlalchemy.engine import Database

_T = TypeVar("_T")
MIGRATIONS = Path(str(files("promptsaas") / "migrations"))


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def in_one_transaction(database: Database, migrate: Callable[[Connection], object]) -> None:
    """Run alembic inside one write transaction (IMMEDIATE on SQLite, so two openers do not race). SQLAlchemy is
    told of it first (which emits nothing), so alembic finds a transaction open and leaves it to its owner."""
    async with database.transaction() as tx:
        await tx.conn.begin()
        await tx.conn.run_sync(migrate)


async def upgrade_database(database: Database, revision: str = "head") -> None:
    """Migrate up to `revision` in one transaction."""
    await in_one_transaction(database, lambda sync: command.upgrade(alembic_config(connection=sync), revision))


async def downgrade_database(database: Database, revision: str) -> None:
    await in_one_transaction(database, lambda sync: command.downgrade(alembic_config(connection=sync), revision))


async def current_revision(database: Database) -> str | None:
    """The revision the database is at; None for an empty database."""
    async with database.connect() as conn:
        return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def database_is_current(database: Database) -> bool:
    return await current_revision(database) == head()


async def _with_database(url: str, use: Callable[[Database], Awaitable[_T]]) -> _T:
    database = Database(url)
    try:
        return await use(database)
    finally:
        await database.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` (blocking; call from code that runs no event loop)."""
    asyncio.run(_with_database(url, lambda db: upgrade_database(db, revision)))


def current(url: str) -> str | None:
    return asyncio.run(_with_database(url, current_revision))


def is_up_to_date(url: str) -> bool:
    return asyncio.run(_with_database(url, database_is_current))
