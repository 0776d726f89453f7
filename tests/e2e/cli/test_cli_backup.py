"""`promptsaas db backup FILE`, as an operator runs it beside a serving process: a consistent copy of the SQLite
file that holds what was committed (not a transaction still open), opens as a working database, and never replaces
a file, creates a missing database or leaves a half-written copy."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.cli.conftest import Cli, child_env, promptsaas
from tests.e2e.cli.test_cli_read_path import imported_by

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_db(tmp_path: Path, pycache: str) -> Path:
    path = tmp_path / "live.db"
    cli = promptsaas(child_env(pycache), "--database-url", f"sqlite:///{path}")
    cli("db", "upgrade").ok()
    cli("demo").ok()
    return path


def on(path: Path, pycache: str) -> Cli:
    return promptsaas(child_env(pycache), "--json", "--database-url", f"sqlite:///{path}")


def tenant_names(path: Path, pycache: str) -> list[str]:
    return [t["name"] for t in json.loads(on(path, pycache)("tenant", "list").ok().stdout)]


def test_a_backup_beside_an_open_write_holds_what_was_committed(demo_db: Path, tmp_path: Path, pycache: str) -> None:
    writer = sqlite3.connect(demo_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a serving process in the middle of a write
    writer.execute("UPDATE tenants SET name = 'Renamed, not committed'")
    try:
        env = child_env(pycache)
        made, modules = imported_by(
            env, "--database-url", f"sqlite:///{demo_db}", "db", "backup", str(tmp_path / "copy.db")
        )
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert [m for m in modules if m.split(".")[0] in ("sqlalchemy", "aiosqlite", "alembic")] == []  # sqlite3 only
    assert "promptsaas.adapters.persistence.dbapi.backup" in modules  # the modules were read
    assert made["file"] == str(tmp_path / "copy.db")
    assert made["size_bytes"] == (tmp_path / "copy.db").stat().st_size > 0
    assert made["revision"]
    assert tenant_names(tmp_path / "copy.db", pycache) == ["Demo"]
    assert tenant_names(demo_db, pycache) == ["Renamed, not committed"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("copy", ".copy"))) == ["copy.db"]


def test_an_existing_file_is_never_replaced(demo_db: Path, tmp_path: Path, pycache: str) -> None:
    kept = tmp_path / "precious.db"
    kept.write_bytes(b"an older backup")
    message = promptsaas(child_env(pycache), "--database-url", f"sqlite:///{demo_db}")("db", "backup", str(kept))
    assert "precious.db already exists: a backup never replaces a file" in message.failed()
    assert kept.read_bytes() == b"an older backup"


def test_a_missing_database_is_not_created(tmp_path: Path, pycache: str) -> None:
    cli = promptsaas(child_env(pycache), "--database-url", f"sqlite:///{tmp_path / 'typo.db'}")
    assert "there is no SQLite database at" in cli("db", "backup", str(tmp_path / "copy.db")).failed()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "postgresql://ann:s3cret@127.0.0.1:1/p",
            "a PostgreSQL database is backed up with pg_dump (see the README's Backups)",
        ),
        ("memory://", "memory:// keeps nothing on disk to back up"),
    ],
)
def test_what_cannot_be_copied_says_so(url: str, said: str, tmp_path: Path, pycache: str) -> None:
    message = promptsaas(child_env(pycache), "--database-url", url)("db", "backup", str(tmp_path / "copy.db")).failed()
    assert message == f"error: backup_unsupported: {said}"
    assert list(tmp_path.iterdir()) == []
