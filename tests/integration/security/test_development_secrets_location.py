"""The container keeps the development secrets beside the SQLite file, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptsaas.adapters.security.cipher import EncryptionKeyError
from promptsaas.adapters.security.signing_keys import SigningKeyError
from promptsaas.entrypoints.composition.container import build_container
from promptsaas.entrypoints.composition.settings import Settings

ROW = "tenant|user|openai"


def test_keys_made_from_one_directory_are_found_from_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = f"sqlite:///{tmp_path / 'data' / 'app.db'}"
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()

    monkeypatch.chdir(here)
    first = build_container(Settings(database_url=database))
    signing = first.signing_keys()
    key_id, sealed = first.cipher().encrypt("sk-user-key-0123456789", ROW)
    monkeypatch.chdir(there)
    second = build_container(Settings(database_url=database))

    assert second.signing_keys() == signing
    assert second.cipher().decrypt(key_id, sealed, ROW) == "sk-user-key-0123456789"
    assert sorted(p.name for p in (tmp_path / "data" / ".promptsaas").iterdir()) == ["encryption_key", "secret_key"]
    assert list(here.iterdir()) == list(there.iterdir()) == []


def test_an_in_memory_platform_writes_no_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    container = build_container(Settings(database_url="memory://"))

    container.signing_keys()
    container.cipher().encrypt("sk-user-key-0123456789", ROW)

    assert list(tmp_path.iterdir()) == []


def test_production_still_requires_the_real_secrets_by_name(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'app.db'}"
    with pytest.raises(SigningKeyError, match="PROMPTSAAS_SECRET_KEY must be set in production"):
        build_container(Settings(database_url=database, production=True))
    with pytest.raises(EncryptionKeyError, match="PROMPTSAAS_ENCRYPTION_KEY must be set in production"):
        build_container(Settings(database_url=database, production=True, secret_key="p" * 40))
    assert not (tmp_path / ".promptsaas").exists()
