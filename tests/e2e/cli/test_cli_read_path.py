"""A read command answers without loading what serving needs, SQLAlchemy included: the modules `promptsaas tenant
list` imports, read from `python -X importtime` in the subprocess an operator would run (a SQLite file, and
PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli.conftest import child_env, promptsaas

pytestmark = pytest.mark.slow

NOT_FOR_READS = (
    "litestar",
    "openai",
    "anthropic",
    "stripe",
    "aiogram",
    "httpx",
    "pydantic",
    "dependency_injector",
    "alembic",
    "sqlalchemy",
    "aiosqlite",
    "promptsaas.adapters.persistence.sqlalchemy",
    "promptsaas.application.auth.service",
)


def imported_by(env: dict[str, str], *args: str) -> tuple[list[object], set[str]]:
    """What the command printed (`--json`) and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "promptsaas.entrypoints.cli.main", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return json.loads(done.stdout), modules


def loaded(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(f"{name}.") for name in NOT_FOR_READS))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'promptsaas.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_tenant_list_loads_no_server_sdk_nor_sqlalchemy(database_url: str, pycache: str) -> None:
    env = child_env(pycache)
    cli = promptsaas(env, "--database-url", database_url)
    cli("db", "upgrade").ok()
    cli("tenant", "create", "acme", "--name", "Acme Inc.").ok()

    tenants, modules = imported_by(env, "--database-url", database_url, "tenant", "list")

    assert [(t["slug"], t["name"], t["status"]) for t in tenants] == [("acme", "Acme Inc.", "active")]  # type: ignore[index]
    assert loaded(modules) == []
    assert "promptsaas.adapters.persistence.dbapi.database" in modules  # the read path ran, and modules were read


def test_a_database_failing_under_a_read_is_one_line(tmp_path: Path, pycache: str) -> None:
    path = tmp_path / "promptsaas.db"
    cli = promptsaas(child_env(pycache), "--database-url", f"sqlite:///{path}")
    cli("db", "upgrade").ok()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE tenants")  # the schema's revision is current, its tenants are gone

    assert cli("tenant", "list").failed() == "error: db_error: cannot use the database: no such table: tenants"
