"""Setup faults in a subprocess, as an operator meets them: one line on stderr with a stable code, exit 1, never a
traceback (missing or broken migrations, a database that cannot be opened or reached, a bad URL, a schema that
this version cannot use, a driver that is not installed)."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import promptsaas
from tests.e2e.cli.conftest import Run, child_env
from tests.e2e.cli.conftest import promptsaas as run_promptsaas

pytestmark = pytest.mark.slow
PACKAGE = Path(promptsaas.__file__).parent


def module_run(env: dict[str, str], *args: str, prelude: str = "") -> Run:
    """`promptsaas ARGS` through `python -c`, after `prelude` (e.g. hiding an installed driver)."""
    code = "\n".join([prelude, "from promptsaas.entrypoints.cli.main import run", "run()"])
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


def package_copy(tmp_path: Path, *, drop_migrations: bool = False) -> Path:
    """The installed package copied under tmp_path, first on PYTHONPATH, so a test can damage its migrations."""
    root = tmp_path / "site"
    ignore = shutil.ignore_patterns("__pycache__", *(["migrations"] if drop_migrations else []))
    shutil.copytree(PACKAGE, root / "promptsaas", ignore=ignore)
    return root


def test_missing_migrations_are_one_line_naming_the_fix(tmp_path: Path, pycache: str) -> None:
    env = child_env(pycache, PYTHONPATH=str(package_copy(tmp_path, drop_migrations=True)))
    for command in (("tenant", "list"), ("db", "upgrade")):
        message = module_run(env, "--database-url", f"sqlite:///{tmp_path / 'p.db'}", *command).failed()
        assert message.startswith("error: setup_failed: the migrations are missing from the installed package")
        assert "reinstall promptsaas" in message


def test_a_broken_migration_file_is_one_line_naming_it(tmp_path: Path, pycache: str) -> None:
    site = package_copy(tmp_path)
    (site / "promptsaas" / "migrations" / "versions" / "0002_provider_keys.py").write_text("def (:\n")
    env = child_env(pycache, PYTHONPATH=str(site))
    message = module_run(env, "--database-url", f"sqlite:///{tmp_path / 'p.db'}", "tenant", "list").failed()
    assert message.startswith("error: setup_failed: cannot load the migration")
    assert "0002_provider_keys.py" in message


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("{tmp}/no/such/dir/p.db", "the directory {tmp}/no/such/dir does not exist"),
        ("{tmp}/a-file/p.db", "{tmp}/a-file is not a directory"),
        ("/proc/p.db", "unable to open database file"),  # a directory nobody can create files in, root included
    ],
)
def test_a_sqlite_file_that_cannot_be_created_is_one_line(
    where: str, expected: str, tmp_path: Path, pycache: str
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    cli = run_promptsaas(child_env(pycache), "--database-url", "sqlite:///" + where.format(tmp=tmp_path))
    message = cli("tenant", "list").failed()
    assert message.startswith("error: database_unavailable: cannot use the database")
    assert expected.format(tmp=tmp_path) in message


def test_an_unreachable_postgres_is_one_line(pycache: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    cli = run_promptsaas(child_env(pycache), "--database-url", f"postgresql://ann:s3cret@127.0.0.1:{port}/p")
    for command in (("tenant", "list"), ("db", "upgrade"), ("db", "current")):
        message = cli(*command).failed()
        assert message.startswith("error: database_unavailable: cannot use the database postgresql")
        assert "Connection refused" in message
        assert "s3cret" not in message


def test_a_missing_postgres_driver_names_the_extra(pycache: str) -> None:
    env = child_env(pycache)
    hidden = "import sys; sys.modules['psycopg'] = None"
    result = module_run(env, "--database-url", "postgresql://ann@127.0.0.1/p", "tenant", "list", prelude=hidden)
    assert "setup_failed: the database driver is not installed" in result.failed()
    assert "pip install 'promptsaas[postgres]'" in result.stderr


@pytest.mark.parametrize("url", ["mysql://db/p", "promptsaas.db"])
def test_a_bad_database_url_is_one_line(url: str, pycache: str) -> None:
    message = run_promptsaas(child_env(pycache), "--database-url", url)("tenant", "list").failed()
    assert "database URL" in message


@pytest.mark.parametrize("url", ["", "  "])
def test_an_empty_database_url_is_refused_not_replaced_by_the_default_file(
    url: str, tmp_path: Path, pycache: str
) -> None:
    """`--database-url "$UNSET_VARIABLE"` must not quietly open (and create) ./promptsaas.db."""
    done = subprocess.run(
        [sys.executable, "-m", "promptsaas.entrypoints.cli.main", "--database-url", url, "tenant", "list"],
        capture_output=True,
        text=True,
        env=child_env(pycache),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "'--database-url': is empty: give a database URL" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_schema_from_a_newer_version_is_refused_in_one_line(tmp_path: Path, pycache: str) -> None:
    path = tmp_path / "p.db"
    cli = run_promptsaas(child_env(pycache), "--database-url", f"sqlite:///{path}")
    cli("db", "upgrade").ok()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    message = cli("tenant", "list").failed()
    assert message.startswith("error: setup_failed: the database schema is at revision 9999")
    assert "newer promptsaas" in message
    assert "9999" in cli("db", "upgrade").failed()
