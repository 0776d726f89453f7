"""A consistent copy of a live SQLite database, taken while the platform keeps serving.

`VACUUM INTO` reads the database in one read transaction (writers go on in the write-ahead log meanwhile) and writes a
compact, self-contained file: no `-wal` or `-shm` beside it, nothing committed after the copy began. The copy is
written under a temporary name in the target's directory, checked (`PRAGMA quick_check`, its schema revision read),
then linked into place, so a crash or a full disk never leaves a half-written file under the backup's name. Only
the stdlib `sqlite3` is used: the command imports no SQLAlchemy (`tests/e2e/cli/test_cli_backup.py` checks).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from promptsaas.adapters.persistence.dbapi.database import BUSY_TIMEOUT_S
from promptsaas.adapters.persistence.schema_revision import VERSION_TABLE
from promptsaas.domain.errors import InvalidInput


@dataclass(frozen=True)
class Backup:
    path: Path
    size_bytes: int
    revision: str | None
    seconds: float


def backup_sqlite(database: Path, target: Path) -> Backup:
    """Copy the SQLite database at `database` to the new file `target`. A missing database or an existing target
    is refused before anything is written; a failed copy leaves no file behind."""
    if not database.is_file():
        raise InvalidInput(f"there is no SQLite database at {database}", field="database_url")
    if target.exists():
        raise InvalidInput(f"{target} already exists: a backup never replaces a file; name a new one", field="file")
    if not target.parent.is_dir():
        raise InvalidInput(f"the directory {target.parent} does not exist", field="file")
    if target.resolve() == database.resolve():
        raise InvalidInput("the backup must be a file other than the database", field="file")
    started = time.perf_counter()
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            source.execute("VACUUM INTO ?", (str(partial),))
        finally:
            source.close()
        revision = _checked(partial)
        os.link(partial, target)  # fails, rather than replaces, if a file took the name meanwhile
    except FileExistsError:
        raise InvalidInput(f"{target} already exists: a backup never replaces a file; name a new one") from None
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size, revision, time.perf_counter() - started)


def _checked(copy: Path) -> str | None:
    """The copy's schema revision, once SQLite found its pages sound."""
    conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its check: {verdict}")
        try:
            row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        except sqlite3.OperationalError:  # no schema yet: an empty database copies as one
            return None
        return str(row[0]) if row else None
    finally:
        conn.close()
