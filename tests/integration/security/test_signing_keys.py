"""Where the signing keys come from: configuration in production, a kept local file in development."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from promptsaas.adapters.security.cipher import new_key_entry
from promptsaas.adapters.security.signing_keys import SigningKeyError, load_signing_keys, parse_key
from promptsaas.entrypoints.composition.container import build_container
from promptsaas.entrypoints.composition.settings import Settings

SECRET = "s3cret-" * 6


def test_production_without_a_secret_key_is_a_startup_error(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="PROMPTSAAS_SECRET_KEY must be set in production"):
        load_signing_keys(None, production=True, key_file=tmp_path / "secret_key")

    assert not (tmp_path / "secret_key").exists()


def test_a_production_container_will_not_build_without_a_secret_key(tmp_path: Path) -> None:
    settings = Settings(database_url="memory://", production=True, secret_key_file=str(tmp_path / "secret_key"))

    with pytest.raises(SigningKeyError):
        build_container(settings)
    production = Settings(database_url="memory://", production=True, secret_key=SECRET, encryption_key=new_key_entry())
    assert build_container(production).tokens()


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(SigningKeyError, match="at least 32 characters"):
        load_signing_keys("too-short", production=True)


def test_development_generates_a_key_once_and_keeps_it_private(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / ".promptsaas" / "secret_key"

    with caplog.at_level(logging.WARNING, logger="promptsaas.security"):
        first = load_signing_keys(None, production=False, key_file=key_file)
    second = load_signing_keys(None, production=False, key_file=key_file)

    assert first == second
    assert len(first.current.secret) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["secret_key"]
    assert "PROMPTSAAS_SECRET_KEY is not set" in caplog.text
    assert first.current.secret.decode() not in caplog.text


def test_a_configured_key_never_touches_the_key_file(tmp_path: Path) -> None:
    keys = load_signing_keys(SECRET, production=False, key_file=tmp_path / "secret_key")

    assert keys.current.secret == SECRET.encode()
    assert not (tmp_path / "secret_key").exists()


def test_a_key_names_its_kid_or_gets_a_stable_one() -> None:
    named = parse_key(f"2030-03:{SECRET}", source="test")
    plain = parse_key(SECRET, source="test")

    assert (named.kid, named.secret) == ("2030-03", SECRET.encode())
    assert plain.kid == parse_key(SECRET, source="test").kid
    assert plain.kid != parse_key(SECRET + "x", source="test").kid
    assert SECRET not in plain.kid
    assert SECRET not in repr(plain)


def test_rotating_moves_the_current_value_into_the_old_list_unchanged() -> None:
    before = load_signing_keys(SECRET, production=True)
    after = load_signing_keys("n" * 40, [SECRET], production=True)

    assert after.older == (before.current,)
    assert set(after.by_kid()) == {before.current.kid, after.current.kid}


def test_the_same_kid_cannot_be_current_and_old() -> None:
    with pytest.raises(SigningKeyError, match="both the current key and an old one"):
        load_signing_keys(f"k1:{SECRET}", [f"k1:{'o' * 40}"], production=True)


def test_settings_read_the_keys_and_oauth_clients_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "PROMPTSAAS_SECRET_KEY": f"2030-03:{SECRET}",
            "PROMPTSAAS_SECRET_KEYS_OLD": f"2030-01:{'a' * 40}, 2029-12:{'b' * 40} ,",
            "PROMPTSAAS_GOOGLE_CLIENT_IDS": "web.apps.googleusercontent.com,ios.apps.googleusercontent.com",
            "PROMPTSAAS_APPLE_CLIENT_IDS": "dev.promptsaas.app",
            "PROMPTSAAS_LOGIN_LIMIT_PER_IP": "7",
        }
    )

    assert settings.secret_keys_old == (f"2030-01:{'a' * 40}", f"2029-12:{'b' * 40}")
    assert settings.google_client_ids == ("web.apps.googleusercontent.com", "ios.apps.googleusercontent.com")
    assert settings.apple_client_ids == ("dev.promptsaas.app",)
    assert settings.auth_rate_limits.login_per_ip == 7
    assert SECRET not in repr(settings)
