"""One job runner across processes: a session-level advisory lock on PostgreSQL (held by a connection of its own,
so it goes when the process dies), an exclusive `flock` on a file beside a SQLite database."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.application.ports.jobs import RunnerLock

ADVISORY_KEY = 0x70736A6F62  # "psjob"


class PostgresAdvisoryLock(RunnerLock):
    def __init__(self, database: Database) -> None:
        self._conninfo = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: Any = None

    async def try_acquire(self) -> bool:
        if self._conn is not None and not self._conn.closed:
            return True
        import psycopg

        conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,))
        row = await cursor.fetchone()
        if row and row[0]:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            await conn.close()  # closing the session releases its advisory lock


class FileLock(RunnerLock):
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class ProcessLock(RunnerLock):
    """The in-memory platform lives in one process: its runner is always the only one."""

    async def try_acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None


def runner_lock(database: Database) -> RunnerLock:
    if not database.is_sqlite:
        return PostgresAdvisoryLock(database)
    if database.sqlite_file is None:
        return ProcessLock()
    return FileLock(Path(f"{database.sqlite_file}.jobs.lock"))
