"""What every command shares: global options at either level, `--json` for errors too, readable help, `--version`,
and which heavy libraries a command loads (the CLI stays fast by importing them only when a command needs them)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import promptsaas
from promptsaas.entrypoints.cli import main
from tests.e2e.cli.conftest import Cli, child_env
from tests.e2e.cli.conftest import promptsaas as run_promptsaas

HEAVY = ("sqlalchemy", "aiosqlite", "alembic", "litestar", "httpx", "openai", "anthropic", "uvicorn")
TYPE_NAME = re.compile(r"<[^<>\s]+>|\blist\[")
"""typer's type display (`<str>`, `<bool>`, `<list[str]>`, `<a|b>`) that help must not show."""


def command_paths(group: TyperGroup, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            yield from command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = list(command_paths(typer.main.get_command(main.app)))  # type: ignore[arg-type]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "promptsaas")
def test_help_shows_metavars_and_the_global_options_never_type_names(path: tuple[str, ...]) -> None:
    shown = CliRunner().invoke(main.app, [*path, "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert not TYPE_NAME.search(shown.output), shown.output
    assert "--json" in shown.output
    assert "--database-url URL" in shown.output


def test_help_names_what_to_type_for_variables_dates_and_tenants() -> None:
    runner = CliRunner()
    chat = runner.invoke(main.app, ["chat", "--help"], env={"COLUMNS": "200"}).output
    usage = runner.invoke(main.app, ["usage", "--help"], env={"COLUMNS": "200"}).output
    assert "--var KEY=VALUE" in chat
    assert "--tenant SLUG" in chat
    assert "--since YYYY-MM-DD" in usage
    assert "--group-by agent|user|plan|day|model" in usage


def test_version_prints_the_package_version(sqlite_cli: Cli) -> None:
    assert sqlite_cli("--version").ok().stdout.strip() == f"promptsaas {promptsaas.__version__}"


@pytest.mark.slow
def test_global_options_work_after_the_subcommand(sqlite_cli: Cli, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    sqlite_cli("tenant", "create", "acme", "--database-url", other).ok()
    assert [t["slug"] for t in sqlite_cli("tenant", "list", "--database-url", other, "--json").json()] == ["acme"]
    assert [t["slug"] for t in sqlite_cli("--json", "tenant", "--database-url", other, "list").json()] == ["acme"]
    assert sqlite_cli("tenant", "list", "--json").json() == []  # the environment's database is another one


@pytest.mark.slow
def test_json_errors_are_one_object_on_stderr_with_code_and_message(sqlite_cli: Cli) -> None:
    missing = sqlite_cli("agent", "list", "--tenant", "ghost", "--json")
    assert (missing.code, missing.stdout) == (1, "")
    assert json.loads(missing.stderr) == {"code": "tenant_not_found", "message": "tenant 'ghost' not found"}
    usage = sqlite_cli("--json", "tenant", "create")
    assert usage.code == 2
    assert json.loads(usage.stderr) == {"code": "usage_error", "message": "Missing argument 'slug'."}
    plain = sqlite_cli("agent", "list", "--tenant", "ghost").failed()
    assert plain == "error: tenant_not_found: tenant 'ghost' not found"


def imported(cwd: Path, env: dict[str, str], *args: str) -> set[str]:
    """The top-level packages a `promptsaas` process imports (from `python -X importtime`)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "promptsaas.entrypoints.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = (line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:"))
    return {name.split(".")[0] for name in lines}


@pytest.mark.slow
def test_help_and_a_read_command_import_only_what_they_need(tmp_path: Path, pycache: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    env = child_env(pycache)
    run_promptsaas(env, "--database-url", url)("db", "upgrade").ok()

    assert imported(tmp_path, env, "--help") & set(HEAVY) == set()
    listing = imported(tmp_path, env, "tenant", "list", "--database-url", url)
    assert "sqlite3" in listing  # the database was read (by its driver), and the modules listed
    assert (
        listing & (set(HEAVY) | {"jwt", "argon2", "cryptography", "pydantic", "dependency_injector", "asyncio"})
        == set()
    )
