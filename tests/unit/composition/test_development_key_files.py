"""Development secrets belong to the database, not to the working directory the command runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptsaas.entrypoints.composition.key_files import ENCRYPTION_KEY, SECRET_KEY, development_key_dir, key_file


def test_a_sqlite_files_keys_live_beside_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'app.db'}"

    assert key_file(None, url, SECRET_KEY) == tmp_path / "data" / ".promptsaas" / "secret_key"
    assert key_file(None, f"sqlite+aiosqlite:///{tmp_path / 'app.db'}?timeout=5", ENCRYPTION_KEY) == (
        tmp_path / ".promptsaas" / "encryption_key"
    )


def test_a_relative_sqlite_path_is_resolved_once_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert development_key_dir("sqlite:///./promptsaas.db") == tmp_path / ".promptsaas"
    assert development_key_dir("sqlite:///var/app.db") == tmp_path / "var" / ".promptsaas"


@pytest.mark.parametrize("url", ["memory://", "sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_keeps_its_keys_in_memory_even_when_a_file_is_named(url: str) -> None:
    assert key_file(None, url, SECRET_KEY) is None
    assert key_file("/srv/keys/secret_key", url, SECRET_KEY) is None


def test_a_configured_file_wins(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"

    assert key_file(str(tmp_path / "mine"), url, ENCRYPTION_KEY) == tmp_path / "mine"


def test_a_postgresql_database_keeps_them_in_the_users_data_directory_without_credentials(tmp_path: Path) -> None:
    environ = {"XDG_DATA_HOME": str(tmp_path)}

    found = development_key_dir("postgresql://app:hunter2@db.internal:6543/shop", environ)
    default_port = development_key_dir("postgres://localhost/promptsaas", environ)

    assert found == tmp_path / "promptsaas" / "dev-keys" / "db.internal-6543-shop"
    assert default_port == tmp_path / "promptsaas" / "dev-keys" / "localhost-5432-promptsaas"
    assert "hunter2" not in str(found)


def test_without_xdg_data_home_it_is_under_the_home_directory() -> None:
    found = development_key_dir("postgresql://localhost/promptsaas", {})

    assert found == Path.home() / ".local" / "share" / "promptsaas" / "dev-keys" / "localhost-5432-promptsaas"
