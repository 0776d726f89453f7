"""A database opened read-only on its DB-API driver: stdlib `sqlite3` for a SQLite file, psycopg for PostgreSQL.

`open_read_only` gives one only for a database that exists; the connection refuses writes (SQLite `query_only`,
PostgreSQL `READ ONLY` transactions). Statements are plain SQL with `?` parameters, each read ends its transaction
(`end`); `revision` reads the schema's Alembic revision from its table, so the caller can compare it with
`HEAD_REVISION` before trusting the tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from promptsaas.adapters.persistence.schema_revision import VERSION_TABLE

BUSY_TIMEOUT_S = 30.0
"""How long a SQLite read waits for a lock another process holds, as the platform's own connections do."""


class Cursor(Protocol):
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What is used here of a DB-API connection (`sqlite3.Connection`, `psycopg.Connection`)."""

    def execute(self, sql: str, parameters: tuple[object, ...], /) -> Cursor: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


class ReadOnlyDatabase:
    def __init__(self, conn: Connection, placeholder: str, errors: type[Exception]) -> None:
        self._conn = conn
        self._placeholder = placeholder
        self.errors = errors
        """The driver's base error (`sqlite3.Error`, `psycopg.Error`)."""

    def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows `sql` selects; its parameters are written `?` whatever the driver's own style."""
        cursor = self._conn.execute(sql.replace("?", self._placeholder), tuple(parameters))
        return [tuple(row) for row in cursor.fetchall()]

    def end(self) -> None:
        """End the read transaction, so the next read sees what was committed since."""
        self._conn.rollback()

    def revision(self) -> str | None:
        """The schema's Alembic revision; None for an empty or unreadable database."""
        try:
            found = self.rows(f"SELECT version_num FROM {VERSION_TABLE}")
        except self.errors:
            return None
        finally:
            self.end()
        return str(found[0][0]) if len(found) == 1 else None

    def close(self) -> None:
        self._conn.close()


def utc(value: datetime | str) -> datetime:
    """A timestamp column as the platform reads it, timezone-aware UTC: SQLite holds naive UTC text (as SQLAlchemy
    writes it), PostgreSQL a `timestamptz` that psycopg gives in the session's time zone."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def open_read_only(database_url: str) -> ReadOnlyDatabase | None:
    """The database at `database_url` when it is a SQLite file that exists or a PostgreSQL server that answers;
    None for anything else (memory, a new file, an explicit driver such as `sqlite+aiosqlite`, a URL with options
    this module does not read, a missing driver), which the caller opens fully instead."""
    scheme, separator, _ = database_url.strip().partition("://")
    if separator and scheme == "sqlite":
        return _sqlite(database_url)
    if separator and scheme in ("postgresql", "postgres"):
        return _postgres(database_url.strip())
    return None


def sqlite_file(database_url: str) -> Path | None:
    """The file of `sqlite:///relative.db`, `sqlite:////absolute.db` (or their `sqlite+aiosqlite://` forms) as
    SQLAlchemy reads them, the path after one slash; None for memory, another scheme, or a path with URL options."""
    scheme, separator, rest = database_url.strip().partition("://")
    if not separator or scheme not in ("sqlite", "sqlite+aiosqlite"):
        return None
    path = rest[1:] if rest.startswith("/") else ""
    if not path or path == ":memory:" or any(c in path for c in "?%#"):
        return None
    return Path(path)


def _sqlite(database_url: str) -> ReadOnlyDatabase | None:
    path = sqlite_file(database_url)
    if path is None or not path.is_file():
        return None
    uri = f"{path.absolute().as_uri()}?mode=rw"  # never creates the file
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        return None
    return ReadOnlyDatabase(conn, "?", sqlite3.Error)


def _postgres(url: str) -> ReadOnlyDatabase | None:
    """libpq reads `postgresql://` and `postgres://` URLs itself; each read is a `READ ONLY` transaction."""
    try:
        import psycopg
    except ImportError:  # the full open names the extra to install
        return None
    try:
        conn = psycopg.connect(url)
    except psycopg.Error:
        return None
    conn.read_only = True
    return ReadOnlyDatabase(conn, "%s", psycopg.Error)
