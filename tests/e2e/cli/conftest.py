"""The operator story's inputs (a catalog and a prompt file, as an operator would write them), and `promptsaas` run
as an operator runs it: the installed console script, one process per command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CATALOG = """\
agents:
  - slug: tutor
    name: Math tutor
    styles: {concise: "Answer in at most three sentences."}
    prompt:
      system: "You are a {{ level }} math tutor."
      user: "{{ input }}"
      variables:
        level: {type: enum, values: [beginner, expert], default: beginner}
      model: offline:echo
      params: {max_output_tokens: 64}
  - slug: writer
    name: Copy writer
    prompt:
      system: "You write {{ tone }} copy of at most {{ words }} words."
      variables:
        tone: {type: string, default: friendly}
        words: {type: integer, default: 50}
      model: offline:echo
plans:
  - code: free
    name: Free
    default: true
    agents: [tutor]
    limits:
      - {metric: requests, window: day, amount: 3}
    retention_days: 30
  - code: pro
    name: Pro
    price: {monthly: 900, yearly: 9000, currency: usd}
    agents: all
    priority: 10
    limits:
      - {metric: tokens, window: billing_period, amount: 1000000}
    retention_days: 365
"""

PROMPT = """\
prompt:
  system: "You are a {{ level }} math tutor. Be brief."
  user: "{{ input }}"
  variables:
    level: {type: enum, values: [beginner, expert], default: beginner}
  model: offline:echo
  note: shorter answers
"""


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return path


@pytest.fixture
def prompt_file(tmp_path: Path) -> Path:
    path = tmp_path / "prompt.yaml"
    path.write_text(PROMPT, encoding="utf-8")
    return path


SCRIPT = Path(sys.executable).parent / "promptsaas"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def ok(self) -> Run:
        assert self.code == 0, (self.code, self.stdout, self.stderr)
        return self

    def json(self) -> Any:
        return json.loads(self.ok().stdout)

    def failed(self, code: int = 1) -> str:
        assert self.code == code, (self.code, self.stdout, self.stderr)
        message = self.stderr.strip()
        assert message
        assert "\n" not in message, message
        return message


Cli = Callable[..., Run]


@pytest.fixture(scope="session")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Bytecode for the child processes, kept out of the source tree, so only the first one compiles."""
    return str(tmp_path_factory.mktemp("pycache"))


def promptsaas(env: dict[str, str], *global_args: str) -> Cli:
    def run(*args: str, input: str | None = None) -> Run:
        command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
        done = subprocess.run(
            [*command, *global_args, *args], input=input, capture_output=True, text=True, env=env, timeout=120
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


def child_env(pycache: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMPTSAAS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return {**env, "PYTHONPYCACHEPREFIX": pycache, "COLUMNS": "200", **extra}


@pytest.fixture
def sqlite_cli(tmp_path: Path, pycache: str) -> Cli:
    """The database named by PROMPTSAAS_DATABASE_URL, a file that does not exist yet."""
    return promptsaas(child_env(pycache, PROMPTSAAS_DATABASE_URL=f"sqlite:///{tmp_path / 'promptsaas.db'}"))


@pytest.fixture
def postgres_cli(postgres_url: str, pycache: str) -> Cli:
    """The database named by --database-url, an empty PostgreSQL database."""
    return promptsaas(child_env(pycache), "--database-url", postgres_url)
