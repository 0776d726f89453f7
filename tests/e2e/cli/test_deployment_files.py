"""The commands `compose.yaml` and the `Dockerfile` run are ones the CLI accepts (a typo there only shows when a
container starts), a plain `docker compose up` migrates before anything serves, the build context carries no secret
and the image keeps its data in a volume; and the API service's metrics directory exists before a worker writes to
it. Read, not run: there is no Docker here."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from typer.core import TyperGroup
from typer.testing import CliRunner

from promptsaas.adapters.observability.metrics import MULTIPROCESS_DIR
from promptsaas.entrypoints.cli import main
from promptsaas.entrypoints.http.server import share_metrics_between_workers

ROOT = Path(__file__).resolve().parents[3]
VARIABLE = re.compile(r"\$\{(\w+):?-([^}]*)\}")
"""`${NAME:-default}` as compose substitutes it when NAME is unset."""


def compose_services() -> dict[str, dict[str, Any]]:
    return dict(yaml.safe_load((ROOT / "compose.yaml").read_text())["services"])


def compose_commands() -> dict[str, list[str]]:
    return {name: service["command"] for name, service in compose_services().items() if "command" in service}


def unset(argv: list[str]) -> list[str]:
    """`argv` as compose passes it when none of the variables it names is set."""
    return [VARIABLE.sub(lambda m: m.group(2), arg) for arg in argv]


def dockerfile_command() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return list(json.loads(line.removeprefix("CMD ")))


def parses(argv: list[str]) -> None:
    """Parse `argv` (after `promptsaas`, subcommands first) as the CLI would, without running the command."""
    command = typer.main.get_command(main.app)  # type: ignore[arg-type]
    args = unset(argv)
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


def test_a_plain_compose_up_migrates_once_before_the_api_worker_and_bot_start() -> None:
    services = compose_services()
    by_default = {name for name, service in services.items() if not service.get("profiles")}
    migrate = services["migrate"]

    assert by_default == {"postgres", "migrate", "api", "worker"}
    assert (migrate["command"][1:], migrate["restart"]) == (["db", "upgrade"], "no")
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api", "worker", "bot"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name


def test_the_bot_runs_no_tenant_until_one_is_named() -> None:
    """A new deployment has no `demo` tenant: unset, `PROMPTSAAS_BOT_TENANT` leaves the bot a usage error at once."""
    argv = compose_commands()["bot"]
    assert "${PROMPTSAAS_BOT_TENANT:-}" in argv

    result = CliRunner().invoke(main.app, unset(argv[1:]))

    assert result.exit_code == 2
    assert "--tenant: name the tenant whose bot this runs" in result.output


GLOB = re.compile(r"\*\*/|\*\*|\*|\?|\[[^]]*\]|[^*?[]+")
GLOB_REGEX = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def glob_regex(glob: str) -> re.Pattern[str]:
    """A `.dockerignore` pattern as a regular expression over a whole path."""
    pieces = GLOB.findall(glob)
    return re.compile("".join(GLOB_REGEX.get(p) or (p if p.startswith("[") else re.escape(p)) for p in pieces))


def build_context_excludes(path: str) -> bool:
    """Whether `.dockerignore` keeps `path` out of the build context: the last pattern matching it or a directory
    above it decides, `!` bringing it back (`*` stays within one path segment, `**` spans any)."""
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = glob_regex(pattern.removeprefix("!").strip("/"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".promptsaas/secret_key",
        ".venv/bin/python",
        ".tools/bin/uv",
        ".git/config",
        "promptsaas.db",
        "promptsaas.db-wal",
        "tests/artifacts/run.log",
        "src/promptsaas/.promptsaas/secret_key",
        "src/promptsaas/__pycache__/cli.cpython-311.pyc",
    ],
)
def test_the_build_context_leaves_out_secrets_and_development_state(path: str) -> None:
    assert build_context_excludes(path)


def test_the_build_context_holds_what_the_dockerfile_copies() -> None:
    copied = [
        source
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]
    ]
    assert copied == ["pyproject.toml", "uv.lock", "README.md", "LICENSE", "src"]
    for source in copied:
        assert not build_context_excludes(source), source
    assert not build_context_excludes("src/promptsaas/__about__.py")


def test_the_image_keeps_its_sqlite_database_in_a_volume() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    volumes = [
        json.loads(line.removeprefix("VOLUME ")) for line in dockerfile.splitlines() if line.startswith("VOLUME ")
    ]
    assert volumes == [["/data"]]
    assert "PROMPTSAAS_DATABASE_URL=sqlite:////data/" in dockerfile


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
