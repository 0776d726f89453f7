"""`promptsaas db upgrade | current | backup`: the database schema (the Alembic migrations in `migrations/`) and
consistent copies of a live SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.cli import errors
from promptsaas.entrypoints.cli.session import Session, session
from promptsaas.entrypoints.cli.shell import Shell

app = Shell(help="The database schema, and backups.")
BACKUP_UNSUPPORTED = "backup_unsupported"
T = TypeVar("T")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Migrate the database to the latest schema (creating it if empty; a no-op when it is current)."""
    s = session(ctx)
    if no_schema(s):
        return
    from promptsaas.adapters.persistence.sqlalchemy import migrate

    before = guarded(s, lambda: migrate.current(s.database_url))
    guarded(s, lambda: migrate.upgrade(s.database_url))
    after = guarded(s, lambda: migrate.current(s.database_url))
    where = shown(s.database_url)
    message = f"{where} is at {after} (already current)" if before == after else f"{where}: {before} -> {after}"
    s.out.done(message, {"database": where, "from": before, "to": after})


@app.command("current")
def current(ctx: typer.Context) -> None:
    """The schema revision the database is at, and the one this version needs."""
    s = session(ctx)
    if no_schema(s):
        return
    from promptsaas.adapters.persistence.sqlalchemy import migrate

    revision = guarded(s, lambda: migrate.current(s.database_url))
    head = migrate.HEAD_REVISION
    state = "current" if revision == head else "outdated: run `promptsaas db upgrade`"
    s.out.record(
        {"database": shown(s.database_url), "revision": revision, "head": head, "up_to_date": revision == head}
        if s.out.json
        else {"database": shown(s.database_url), "revision": f"{revision or '(empty)'} ({state})", "head": head}
    )


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The new file to write; an existing file is never replaced.")],
) -> None:
    """Copy a SQLite database, consistently, while it serves (PostgreSQL: use pg_dump)."""
    s = session(ctx)
    from promptsaas.adapters.persistence.dbapi.backup import backup_sqlite
    from promptsaas.adapters.persistence.dbapi.database import sqlite_file

    url = s.database_url.strip()
    database = sqlite_file(url)
    if database is None:
        scheme = url.partition("://")[0]
        if scheme.startswith("postgres"):
            s.fail(BACKUP_UNSUPPORTED, "a PostgreSQL database is backed up with pg_dump (see the README's Backups)")
        if scheme == "memory":
            s.fail(BACKUP_UNSUPPORTED, "memory:// keeps nothing on disk to back up")
        if scheme.startswith("sqlite"):
            s.fail(BACKUP_UNSUPPORTED, f"{url} names no database file (in memory, or with URL options) to back up")
        s.fail("invalid_request", f"database URL {url!r}: only sqlite and postgresql are supported")
    made = guarded(s, lambda: backup_sqlite(database, file))
    record = {
        "database": str(database),
        "file": str(made.path),
        "size_bytes": made.size_bytes,
        "revision": made.revision,
        "seconds": round(made.seconds, 3),
    }
    size = f"{made.size_bytes / 1e6:.1f} MB" if made.size_bytes >= 100_000 else f"{made.size_bytes:,} bytes"
    s.out.done(f"{database} backed up to {file} ({size}, revision {made.revision}, {made.seconds:.2f} s)", record)


def no_schema(s: Session) -> bool:
    if s.database_url.strip().startswith("memory:"):
        s.out.done("memory:// keeps no schema: nothing to migrate", {"database": s.database_url, "revision": None})
        return True
    return False


def guarded(s: Session, step: Callable[[], T]) -> T:
    """Run a migration step; a bad URL, an unreachable server or a failed migration is one line and exit 1."""
    try:
        return step()
    except DomainError as error:
        s.fail(*errors.problem(error))
    except Exception as error:
        failure = errors.database_error(error)
        if failure is None:
            raise
        s.fail(*failure)


def shown(url: str) -> str:
    """The URL without its password."""
    from promptsaas.adapters.persistence.sqlalchemy.engine import async_url

    try:
        return async_url(url).render_as_string(hide_password=True)
    except DomainError:
        return url
