"""A database opened read-only on a synchronous Core connection, for one-shot processes (the CLI's read commands).

The units of work and repositories are the ones `Database` serves; only the connection differs: a synchronous one
behind the awaitable `execute` the repositories use, so neither SQLAlchemy's asyncio extension (which imports the
ORM) nor an async driver is loaded. A write is refused (`ReadOnly`); a command that writes opens a `Database`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, CursorResult, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from promptsaas.adapters.persistence.sqlalchemy.migrate import VERSION_TABLE
from promptsaas.adapters.persistence.sqlalchemy.sqlite import BUSY_TIMEOUT_S
from promptsaas.adapters.persistence.sqlalchemy.transactions import WriteTransaction

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


class ReadOnly(RuntimeError):
    """A write was attempted on a database opened read-only (a programming error: that command must open it fully)."""


class ReadOnlyConnection:
    """A synchronous connection with the part of `AsyncConnection` that reads use."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.dialect = conn.dialect

    async def execute(
        self, statement: Any, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
    ) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)

    def in_transaction(self) -> bool:
        return False


class ReadOnlyTransaction(WriteTransaction):
    """The write transaction of a read-only unit of work: it never begins, so nothing is ever written."""

    async def begin(self) -> None:
        raise ReadOnly("this database was opened read-only")


class ReadOnlyDatabase:
    """An SQLite file or a PostgreSQL database, read through synchronous connections (`Connections` for a unit of
    work). `open_read_only` gives one only for a database that exists; `revision` says whether its schema is current."""

    def __init__(self, url: URL) -> None:
        self.url = url
        options: dict[str, Any] = {}
        if url.get_backend_name() == "sqlite":
            options["connect_args"] = {"timeout": BUSY_TIMEOUT_S}
        else:
            options["isolation_level"] = "AUTOCOMMIT"
        self.engine: Engine = create_engine(url, **options)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[ReadOnlyConnection]:
        with self.engine.connect() as conn:
            yield ReadOnlyConnection(conn)

    def write_transaction(self, conn: ReadOnlyConnection) -> WriteTransaction:
        return ReadOnlyTransaction(cast("AsyncConnection", conn), None)

    def revision(self) -> str | None:
        """The schema's Alembic revision; None for an empty or unreadable database."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        except SQLAlchemyError:
            return None

    def dispose(self) -> None:
        self.engine.dispose()


def open_read_only(database_url: str) -> ReadOnlyDatabase | None:
    """A read-only database for an SQLite file that exists or a PostgreSQL URL; None for anything else (memory,
    a new file, an explicit async driver, a malformed URL), which the caller opens as a `Database` instead."""
    scheme, sep, rest = database_url.strip().partition("://")
    if not sep or scheme not in _SYNC_DRIVERS:
        return None
    try:
        url = make_url(f"{_SYNC_DRIVERS[scheme]}://{rest}")
    except ArgumentError:
        return None
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file()):
        return None
    try:
        return ReadOnlyDatabase(url)
    except ImportError:  # the driver is missing: the full open names the extra to install
        return None
