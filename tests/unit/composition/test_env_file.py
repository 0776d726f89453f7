"""The `.env` file fills in what the real environment does not set; `.env.example` lists exactly what is read: by
the settings, the SDKs and, in its own section, by `compose.yaml`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from promptsaas.entrypoints.composition.env_file import load_env_file, read_env_file
from promptsaas.entrypoints.composition.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / ".env.example"
SRC = ROOT / "src" / "promptsaas"
COMPOSE = ROOT / "compose.yaml"


def compose_variables() -> set[str]:
    """What `compose.yaml` substitutes (`${NAME...}`): compose reads them from `.env` beside it."""
    return set(re.findall(r"\$\{(\w+)", COMPOSE.read_text()))


@pytest.fixture
def restored_environ() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


class RecordingEnv(Mapping[str, str]):
    """An empty environment that remembers every name asked for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def test_assignments_comments_quotes_and_export_are_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# the database\n"
        "\n"
        "PROMPTSAAS_DATABASE_URL = sqlite:///data/app.db   # beside the data\n"
        "export PROMPTSAAS_ENV=production\n"
        "PROMPTSAAS_SECRET_KEY='k1:a#b \"quoted\" $HOME'\n"
        'PROMPTSAAS_TOKEN_ISSUER="line\\none \\"two\\""  # a comment\n'
        "PROMPTSAAS_GOOGLE_CLIENT_IDS=\n"
        "PROMPTSAAS_TOKEN_AUDIENCE=first\n"
        "PROMPTSAAS_TOKEN_AUDIENCE=second#not-a-comment\n",
        encoding="utf-8",
    )

    assert read_env_file(env_file) == {
        "PROMPTSAAS_DATABASE_URL": "sqlite:///data/app.db",
        "PROMPTSAAS_ENV": "production",
        "PROMPTSAAS_SECRET_KEY": 'k1:a#b "quoted" $HOME',
        "PROMPTSAAS_TOKEN_ISSUER": 'line\none "two"',
        "PROMPTSAAS_GOOGLE_CLIENT_IDS": "",
        "PROMPTSAAS_TOKEN_AUDIENCE": "second#not-a-comment",
    }


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("PROMPTSAAS_SECRET_KEY", "expected NAME=value"),
        ("PROMPTSAAS SECRET=x", "expected NAME=value"),
        ("9LIVES=x", "expected NAME=value"),
        ("PROMPTSAAS_SECRET_KEY='never-closed-secret", "quote is not closed on the same line"),
        ('PROMPTSAAS_SECRET_KEY="secret" trailing', "unexpected text after the quoted value"),
    ],
)
def test_a_malformed_line_names_the_file_and_line_but_not_its_content(
    tmp_path: Path, line: str, complaint: str
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"# settings\nPROMPTSAAS_ENV=development\n{line}\n", encoding="utf-8")

    with pytest.raises(SettingsError) as raised:
        read_env_file(env_file)

    location, _, message = str(raised.value).partition(": ")
    assert (location, complaint in message) == (f"{env_file}:3", True)
    assert "secret" not in message


def test_the_real_environment_wins_and_an_empty_value_sets_nothing(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("A=from-file\nB=from-file\nC=from-file\nD=\nOPENAI_API_KEY=sk-from-file\n", encoding="utf-8")
    environ = {"A": "from-environment", "B": " "}

    load_env_file(env_file, environ)

    assert environ == {"A": "from-environment", "B": "from-file", "C": "from-file", "OPENAI_API_KEY": "sk-from-file"}


def test_a_missing_file_is_no_settings_and_an_unreadable_one_is_an_error(tmp_path: Path) -> None:
    assert read_env_file(tmp_path / ".env") == {}
    (tmp_path / "dir.env").mkdir()
    with pytest.raises(SettingsError, match=r"dir\.env: cannot read the settings file"):
        read_env_file(tmp_path / "dir.env")


@pytest.mark.usefixtures("restored_environ")
def test_settings_read_the_env_file_of_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("PROMPTSAAS_")]:
        del os.environ[name]
    os.environ["PROMPTSAAS_TOKEN_ISSUER"] = "from-the-environment"
    (tmp_path / ".env").write_text(
        "PROMPTSAAS_TOKEN_ISSUER=from-the-file\nPROMPTSAAS_REFRESH_TOKEN_DAYS=7\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env()

    assert (settings.token_issuer, settings.refresh_token_ttl_days) == ("from-the-environment", 7)


@pytest.mark.usefixtures("restored_environ")
def test_a_bad_value_in_the_env_file_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.environ.pop("PROMPTSAAS_ENV", None)
    (tmp_path / ".env").write_text("PROMPTSAAS_ENV=prod\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    with pytest.raises(SettingsError, match="PROMPTSAAS_ENV must be one of development, production, got 'prod'"):
        Settings.from_env()


def test_the_example_lists_exactly_the_variables_the_settings_read() -> None:
    env = RecordingEnv()
    Settings.from_env(env)
    listed = set(read_env_file(EXAMPLE)) - (compose_variables() - env.asked)

    assert {n for n in listed if n.startswith(("PROMPTSAAS_", "STRIPE_", "OTEL_"))} == env.asked


def test_the_example_lists_every_variable_the_code_and_compose_name_and_no_other() -> None:
    named = {
        name
        for path in SRC.rglob("*.py")
        for name in re.findall(r"\b(?:PROMPTSAAS|OPENAI|ANTHROPIC|STRIPE|OTEL)_[A-Z0-9_]*[A-Z0-9]\b", path.read_text())
    }
    listed = set(read_env_file(EXAMPLE))

    assert named | compose_variables() == listed


def test_the_example_as_a_env_file_gives_the_defaults() -> None:
    assert Settings.from_env(read_env_file(EXAMPLE)) == Settings()
