"""One job runner across processes: a session-level advisory lock on PostgreSQL (held by a connection of its own,
so it goes when the process dies), an exclusive `flock` on a file beside a SQLite database.

The advisory lock lives as long as its session, which can end without the process noticing (a database restart, a
dropped connection, `pg_terminate_backend`): the holder asks that session to answer on every `try_acquire` and,
when it does not, drops it and competes for the lock again like any other runner."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from pathlib import Path
from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.application.ports.jobs import RunnerLock

ADVISORY_KEY = 0x70736A6F62  # "psjob"
ANSWER_SECONDS = 5.0
"""How long the lock's session, or a new connection, may take to answer before the lock counts as not held."""


class PostgresAdvisoryLock(RunnerLock):
    def __init__(self, database: Database) -> None:
        self._conninfo = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: Any = None

    async def try_acquire(self) -> bool:
        """Still held when the lock's session answers; otherwise that session (and the lock) is gone, so a new one
        competes for it. Raises when the database cannot be reached: the caller cannot know who holds it."""
        if self._conn is not None:
            if await self._session_answers():
                return True
            await self.release()
        import psycopg

        conn = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=max(2, round(ANSWER_SECONDS))
        )
        try:
            async with asyncio.timeout(ANSWER_SECONDS):
                cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,))
                row = await cursor.fetchone()
        except BaseException:
            await _close(conn)
            raise
        if row and row[0]:
            self._conn = conn
            return True
        await _close(conn)
        return False

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close(conn)  # closing the session releases its advisory lock

    async def _session_answers(self) -> bool:
        import psycopg

        try:
            async with asyncio.timeout(ANSWER_SECONDS):  # not `wait_for`: on 3.11 it can swallow a cancellation
                await self._conn.execute("SELECT 1")
        except (psycopg.Error, OSError, TimeoutError):
            return False
        return True


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


async def _close(conn: Any) -> None:
    with contextlib.suppress(Exception):  # a session already gone has nothing left to close
        await conn.close()


def runner_lock(database: Database) -> RunnerLock:
    if not database.is_sqlite:
        return PostgresAdvisoryLock(database)
    if database.sqlite_file is None:
        return ProcessLock()
    return FileLock(Path(f"{database.sqlite_file}.jobs.lock"))
