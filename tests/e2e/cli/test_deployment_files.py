"""The commands `compose.yaml` and the `Dockerfile` run are ones the CLI accepts (a typo there only shows when a
container starts), and the API service's metrics directory exists before a worker writes to it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import typer.main
import yaml
from typer.core import TyperGroup

from promptsaas.adapters.observability.metrics import MULTIPROCESS_DIR
from promptsaas.entrypoints.cli import main
from promptsaas.entrypoints.http.server import share_metrics_between_workers

ROOT = Path(__file__).resolve().parents[3]
VARIABLE = re.compile(r"\$\{(\w+):?-([^}]*)\}")
"""`${NAME:-default}` as compose substitutes it when NAME is unset."""


def compose_commands() -> dict[str, list[str]]:
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    return {name: service["command"] for name, service in services.items() if "command" in service}


def dockerfile_command() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return list(json.loads(line.removeprefix("CMD ")))


def parses(argv: list[str]) -> None:
    """Parse `argv` (after `promptsaas`, subcommands first) as the CLI would, without running the command."""
    command = typer.main.get_command(main.app)  # type: ignore[arg-type]
    args = [VARIABLE.sub(lambda m: m.group(2), arg) for arg in argv]
    name, parent = "promptsaas", None
    while isinstance(command, TyperGroup):
        parent = command.make_context(name, [], parent=parent, resilient_parsing=True)
        name, *args = args
        found = command.get_command(parent, name)
        assert found is not None, f"no command {name!r} in {argv}"
        command = found
    command.make_context(name, args, parent=parent)


@pytest.mark.parametrize(("service", "argv"), sorted(compose_commands().items()))
def test_every_compose_service_runs_a_command_the_cli_accepts(service: str, argv: list[str]) -> None:
    assert argv[0] == "promptsaas", service
    parses(argv[1:])


def test_the_image_runs_a_command_the_cli_accepts() -> None:
    argv = dockerfile_command()
    assert argv[0] == "promptsaas"
    parses(argv[1:])


def test_a_misspelt_command_is_caught() -> None:
    with pytest.raises(Exception, match=r"tenant|unexpected extra argument"):
        parses(["bot", "run"])


@pytest.mark.parametrize("workers", [1, 2])
def test_an_operators_metrics_directory_is_made_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    directory = tmp_path / "not" / "yet"
    monkeypatch.setenv(MULTIPROCESS_DIR, str(directory))
    assert share_metrics_between_workers(workers) is None
    assert directory.is_dir()
    assert os.environ[MULTIPROCESS_DIR] == str(directory)


def test_only_a_previous_runs_series_files_are_cleared_from_an_operators_metrics_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator may point the directory at one holding other files, even the SQLite database: they stay."""
    kept = ["app.db", "app.db-wal", "other.db", "counter_notes.txt"]
    stale = ["counter_1234.db", "histogram_1234.db", "gauge_livemostrecent_99.db"]
    for name in kept + stale:
        (tmp_path / name).write_bytes(b"x")
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))

    share_metrics_between_workers(2)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


def test_several_workers_without_a_directory_get_a_temporary_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR, raising=False)
    assert share_metrics_between_workers(1) is None
    assert MULTIPROCESS_DIR not in os.environ
    temporary = share_metrics_between_workers(2)
    try:
        assert temporary is not None
        assert temporary.is_dir()
        assert os.environ[MULTIPROCESS_DIR] == str(temporary)
    finally:
        if temporary is not None:
            temporary.rmdir()
