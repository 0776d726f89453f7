"""Migrations from code: `upgrade`, `current` and `is_up_to_date` for the CLI, the library and tests.

The Alembic configuration lives here rather than in an alembic.ini, so it works from any directory; the
environment and the revisions ship inside the package (`promptsaas/migrations`), found with `importlib.resources`.
Checking a database against `HEAD_REVISION` reads its `alembic_version` row without importing Alembic, so opening
an up-to-date database costs no Alembic import. A fault on the way (a missing driver, an unreachable or unwritable
database, missing migrations, a schema from a newer version) is a `SetupFailed` with a stable code and one line.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from promptsaas.adapters.persistence.schema_revision import HEAD_REVISION as HEAD_REVISION
from promptsaas.adapters.persistence.schema_revision import VERSION_TABLE
from promptsaas.domain.errors import DatabaseUnavailable, DomainError, SetupFailed

if TYPE_CHECKING:
    from alembic.config import Config

    from promptsaas.adapters.persistence.sqlalchemy.engine import Database

_T = TypeVar("_T")
MIGRATIONS = Path(str(files("promptsaas") / "migrations"))


def open_database(url: str) -> Database:
    """The `Database` for `url`; a driver that is not installed is a setup fault naming the extra to install."""
    from promptsaas.adapters.persistence.sqlalchemy.engine import Database

    try:
        return Database(url)
    except ImportError as error:
        extra = " (pip install 'promptsaas[postgres]')" if "psycopg" in str(error) else ""
        raise SetupFailed(f"the database driver is not installed: {error}{extra}") from None


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    from alembic.config import Config

    if not (MIGRATIONS / "env.py").is_file():
        raise SetupFailed(f"the migrations are missing from the installed package ({MIGRATIONS}): reinstall promptsaas")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head() -> str | None:
    """The newest revision Alembic finds in `MIGRATIONS` (reads every revision file)."""
    from alembic.script import ScriptDirectory

    with migration_faults():
        return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def in_one_transaction(database: Database, migrate: Callable[[Connection], object]) -> None:
    """Run alembic inside one write transaction (IMMEDIATE on SQLite, so two openers do not race). SQLAlchemy is
    told of it first (which emits nothing), so alembic finds a transaction open and leaves it to its owner."""
    async with database.transaction() as tx:
        await tx.conn.begin()
        await tx.conn.run_sync(migrate)


async def upgrade_database(database: Database, revision: str = "head") -> None:
    """Migrate up to `revision` in one transaction."""
    from alembic import command

    with migration_faults():
        config = alembic_config()
        await _refuse_unknown_revision(database, config)
        with database_faults(database):
            await in_one_transaction(database, lambda sync: command.upgrade(alembic_config(connection=sync), revision))


async def downgrade_database(database: Database, revision: str) -> None:
    from alembic import command

    with migration_faults(), database_faults(database):
        await in_one_transaction(database, lambda sync: command.downgrade(alembic_config(connection=sync), revision))


async def current_revision(database: Database) -> str | None:
    """The revision the database is at; None for an empty database."""
    with database_faults(database):
        async with database.connect() as conn:
            return await conn.run_sync(_stored_revision)


async def database_is_current(database: Database) -> bool:
    return await current_revision(database) == HEAD_REVISION


def _stored_revision(conn: Connection) -> str | None:
    if not conn.dialect.has_table(conn, VERSION_TABLE):
        return None
    revisions = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(revisions) > 1:
        raise SetupFailed(f"the database is at several revisions at once ({', '.join(revisions)})")
    return revisions[0] if revisions else None


async def _refuse_unknown_revision(database: Database, config: Config) -> None:
    from alembic.script import ScriptDirectory

    revision = await current_revision(database)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if revision is not None and revision not in known:
        raise SetupFailed(
            f"the database schema is at revision {revision}, which this version does not know (its newest is "
            f"{HEAD_REVISION}): it was written by a newer promptsaas"
        )


@contextmanager
def migration_faults() -> Iterator[None]:
    """Alembic's own errors (a broken or unreadable migration directory) as one `setup_failed` line."""
    from alembic.util import CommandError

    try:
        yield
    except CommandError as error:
        raise SetupFailed(f"cannot migrate the database: {_one_line(error)}") from None
    except OSError as error:
        if not str(error.filename or "").startswith(str(MIGRATIONS)):
            raise
        raise SetupFailed(f"cannot read the migrations in {MIGRATIONS}: {_one_line(error)}") from None
    except SyntaxError as error:
        raise SetupFailed(f"cannot load the migration {error.filename}: {error.msg} (line {error.lineno})") from None


@contextmanager
def database_faults(database: Database) -> Iterator[None]:
    """A database that cannot be reached, opened or written, as one `database_unavailable` line."""
    try:
        yield
    except DomainError:
        raise
    except (SQLAlchemyError, OSError) as error:
        detail = _one_line(getattr(error, "orig", None) or error)
        raise DatabaseUnavailable(
            f"cannot use the database {_shown(database)}: {_sqlite_hint(database) or detail}"
        ) from None


def _sqlite_hint(database: Database) -> str | None:
    """Why SQLite could not open its file, when the file's directory says it (missing, not a directory, read-only)."""
    if database.sqlite_file is None:
        return None
    folder = database.sqlite_file.resolve().parent
    if not folder.exists():
        return f"the directory {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a directory"
    if not os.access(folder, os.W_OK):
        return f"the directory {folder} is not writable (SQLite writes its journal next to the file)"
    return None


def _shown(database: Database) -> str:
    return database.url.render_as_string(hide_password=True)


def _one_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(error).__name__


async def _with_database(url: str, use: Callable[[Database], Awaitable[_T]]) -> _T:
    database = open_database(url)
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
