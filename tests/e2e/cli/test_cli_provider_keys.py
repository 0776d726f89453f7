"""`promptsaas provider-key` and `promptsaas keys` as an operator runs them: one process per command, on a SQLite
file, with `PROMPTSAAS_ENCRYPTION_KEY` rotated between commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from promptsaas.adapters.security.cipher import new_key_entry
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform

SCRIPT = Path(sys.executable).parent / "promptsaas"
ANN = "ann@example.com"
ANNS_KEY = "sk-ann-cli-key-0123456789wxyz"
OLD, NEW = new_key_entry("old"), new_key_entry("new")
CATALOG = """\
agents: []
plans:
  - {code: free, name: Free, default: true, byok: true, limits: [{metric: requests, window: day, amount: 1}]}
"""
pytestmark = pytest.mark.slow

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'promptsaas.db'}"


@pytest.fixture
def cli(tmp_path: Path, database: str, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """`cli(*args, key=..., input=...)`: one `promptsaas` process with `PROMPTSAAS_ENCRYPTION_KEY=key`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PROMPTSAAS_")}
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    base.update(PYTHONPYCACHEPREFIX=str(tmp_path_factory.getbasetemp() / "pycache"), PROMPTSAAS_DATABASE_URL=database)

    def run(*args: str, key: str = OLD, input: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
        env = {**base, "PROMPTSAAS_ENCRYPTION_KEY": key}
        return subprocess.run(
            [*command, *args], input=input, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    return run


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    return done.stdout


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok(done))


async def key_for(database: str, encryption_key: str) -> str:
    async with AsyncPlatform.open(settings=Settings(database_url=database, encryption_key=encryption_key)) as p:
        acme = p.tenant("acme")
        [ann] = [u for u in await acme.users() if u.email == ANN]
        return await p.container.provider_keys().key_for(await acme.id(), ann.id, "openai")


async def test_an_operator_stores_lists_rotates_and_deletes_a_users_key(
    cli: Cli, database: str, tmp_path: Path
) -> None:
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    ok(cli("db", "upgrade"))
    ok(cli("tenant", "create", "acme"))
    ok(cli("catalog", "apply", "--tenant", "acme", "catalog.yaml"))
    ok(cli("user", "create", "--tenant", "acme", ANN))

    stored = ok(cli("provider-key", "set", "--tenant", "acme", "--as", ANN, "openai", "--key-stdin", input=ANNS_KEY))
    listed = as_json(cli("--json", "provider-key", "list", "--tenant", "acme", "--as", ANN))

    assert "ending in wxyz" in stored
    assert ANNS_KEY not in stored
    assert [(k["provider"], k["last4"], k["invalid"]) for k in listed] == [("openai", "wxyz", False)]

    entry = ok(cli("keys", "generate", "--id", "new")).strip()
    assert entry.startswith("new:")
    rotated = as_json(cli("--json", "keys", "rotate", key=f"{NEW},{OLD}"))
    again = as_json(cli("--json", "keys", "rotate", key=f"{NEW},{OLD}"))
    assert rotated == {"key_id": "new", "rotated": 1, "unreadable": 0}
    assert again["rotated"] == 0
    assert await key_for(database, NEW) == ANNS_KEY

    ok(cli("provider-key", "delete", "--tenant", "acme", "--as", ANN, "openai", key=NEW))
    missing = cli("provider-key", "delete", "--tenant", "acme", "--as", ANN, "openai", key=NEW)
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("error: provider_key_not_found")
    assert as_json(cli("--json", "provider-key", "list", "--tenant", "acme", "--as", ANN, key=NEW)) == []


def test_a_bad_key_is_refused_without_being_echoed(cli: Cli) -> None:
    ok(cli("tenant", "create", "acme"))
    ok(cli("user", "create", "--tenant", "acme", ANN))

    refused = cli("provider-key", "set", "--tenant", "acme", "--as", ANN, "openai", "--key-stdin", input="sk short")
    unknown = cli("provider-key", "set", "--tenant", "acme", "--as", ANN, "nope", "--key-stdin", input=ANNS_KEY)

    assert refused.returncode == 1
    assert "sk short" not in refused.stderr + refused.stdout
    assert "unknown_provider" in unknown.stderr
    assert ANNS_KEY not in unknown.stderr + unknown.stdout
