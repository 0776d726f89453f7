"""Every `PROMPTSAAS_*` variable is parsed with an error naming it and what it expected, never a bare `int()` error."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptsaas.entrypoints.composition.settings import Settings, SettingsError, check_production_secrets


def test_no_variable_gives_the_documented_defaults() -> None:
    settings = Settings.from_env({})

    assert settings == Settings()
    assert (settings.database_url, settings.production) == ("sqlite:///./promptsaas.db", False)
    assert (settings.secret_key_file, settings.encryption_key_file) == (None, None)


def test_values_of_every_kind_are_read() -> None:
    settings = Settings.from_env(
        {
            "PROMPTSAAS_ENV": "production",
            "PROMPTSAAS_DATABASE_URL": "postgresql://app:pw@db.internal/promptsaas",
            "PROMPTSAAS_RESERVATION_TTL_SECONDS": " 120 ",
            "PROMPTSAAS_CACHE_TTL_SECONDS": "0.25",
            "PROMPTSAAS_LLM_MAX_RETRIES": "0",
            "PROMPTSAAS_LLM_TRANSPORT": "httpx",
            "PROMPTSAAS_GOOGLE_JWKS_URL": "http://127.0.0.1:8123/certs",
            "PROMPTSAAS_APPLE_CLIENT_IDS": "a.app, b.app,,",
            "PROMPTSAAS_REGISTER_LIMIT_PER_EMAIL": "3",
            "PROMPTSAAS_ENCRYPTION_KEY_FILE": "/srv/keys/encryption_key",
        }
    )

    assert settings.production
    assert settings.database_url == "postgresql://app:pw@db.internal/promptsaas"
    assert (settings.reservation_ttl_seconds, settings.cache_ttl_seconds, settings.llm_max_retries) == (120, 0.25, 0)
    assert settings.llm_transport == "httpx"
    assert settings.google_jwks_url == "http://127.0.0.1:8123/certs"
    assert settings.apple_client_ids == ("a.app", "b.app")
    assert settings.auth_rate_limits.register_per_email == 3
    assert settings.encryption_key_file == "/srv/keys/encryption_key"


def test_an_empty_value_means_the_default() -> None:
    empty = {"PROMPTSAAS_ENV": "", "PROMPTSAAS_MAX_BODY_BYTES": "  ", "PROMPTSAAS_SECRET_KEY": "", "PROMPTSAAS_X": ""}

    assert Settings.from_env(empty) == Settings()


@pytest.mark.parametrize("typo", ["prod", "Production", "dev", "staging", "true"])
def test_an_unknown_environment_is_an_error_naming_the_allowed_values(typo: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"PROMPTSAAS_ENV": typo})

    assert str(raised.value) == f"PROMPTSAAS_ENV must be one of development, production, got {typo!r}"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PROMPTSAAS_MAX_BODY_BYTES", "1MB", "PROMPTSAAS_MAX_BODY_BYTES must be a whole number above 0, got '1MB'"),
        ("PROMPTSAAS_ATTACHMENTS_PER_MESSAGE", "0", "must be a whole number above 0, got '0'"),
        ("PROMPTSAAS_LOGIN_LIMIT_PER_IP", "ten", "PROMPTSAAS_LOGIN_LIMIT_PER_IP must be a whole number above 0"),
        ("PROMPTSAAS_AUTH_LIMIT_WINDOW_SECONDS", "9.5", "PROMPTSAAS_AUTH_LIMIT_WINDOW_SECONDS must be a whole number"),
        ("PROMPTSAAS_LLM_MAX_RETRIES", "-1", "PROMPTSAAS_LLM_MAX_RETRIES must be a whole number of at least 0"),
        ("PROMPTSAAS_PASSWORD_MEMORY_KIB", "4", "PROMPTSAAS_PASSWORD_MEMORY_KIB must be a whole number of at least 8"),
        ("PROMPTSAAS_LLM_TIMEOUT_SECONDS", "0", "PROMPTSAAS_LLM_TIMEOUT_SECONDS must be a number above 0"),
        ("PROMPTSAAS_LLM_TIMEOUT_SECONDS", "1m", "PROMPTSAAS_LLM_TIMEOUT_SECONDS must be a number above 0"),
        ("PROMPTSAAS_CACHE_TTL_SECONDS", "-2", "PROMPTSAAS_CACHE_TTL_SECONDS must be a number of at least 0"),
        ("PROMPTSAAS_LLM_BACKOFF_SECONDS", "nan", "PROMPTSAAS_LLM_BACKOFF_SECONDS must be a number of at least 0"),
        ("PROMPTSAAS_LLM_TRANSPORT", "curl", "PROMPTSAAS_LLM_TRANSPORT must be one of httpx, aiohttp, got 'curl'"),
        (
            "PROMPTSAAS_APPLE_JWKS_URL",
            "appleid.apple.com/auth/keys",
            "PROMPTSAAS_APPLE_JWKS_URL must be an http(s) URL",
        ),
        ("PROMPTSAAS_GOOGLE_JWKS_URL", "ftp://x.example/keys", "PROMPTSAAS_GOOGLE_JWKS_URL must be an http(s) URL"),
        ("PROMPTSAAS_DATABASE_URL", "mysql://db/app", "PROMPTSAAS_DATABASE_URL must be memory://, sqlite:///"),
        ("PROMPTSAAS_DATABASE_URL", "./promptsaas.db", "PROMPTSAAS_DATABASE_URL must be memory://, sqlite:///"),
        ("PROMPTSAAS_LLM_ENDPOINTS", "ollama=localhost:11434|", "PROMPTSAAS_LLM_ENDPOINTS: ollama's base URL"),
    ],
)
def test_a_malformed_value_is_an_error_naming_the_variable_and_what_it_expected(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})

    assert expected in str(raised.value)
    assert "invalid literal" not in str(raised.value)


def test_a_settings_error_is_a_value_error_so_every_shell_reports_it_in_one_line() -> None:
    with pytest.raises(ValueError, match="PROMPTSAAS_REFRESH_TOKEN_DAYS"):
        Settings.from_env({"PROMPTSAAS_REFRESH_TOKEN_DAYS": "a month"})


def test_a_database_url_error_does_not_echo_its_password() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"PROMPTSAAS_DATABASE_URL": "mysql://app:hunter2-secret@db/app"})

    assert "hunter2" not in str(raised.value)


def test_overrides_win_over_the_environment() -> None:
    settings = Settings.from_env({"PROMPTSAAS_DATABASE_URL": "memory://"}, database_url="sqlite:///other.db")

    assert settings.database_url == "sqlite:///other.db"


@pytest.mark.parametrize(
    ("ttl", "timeout", "retries"),
    [("60", "60", "0"), ("100", "40", "2"), ("600", "120", "4")],
)
def test_a_reservation_that_could_expire_before_its_call_ends_is_refused(ttl: str, timeout: str, retries: str) -> None:
    env = {
        "PROMPTSAAS_RESERVATION_TTL_SECONDS": ttl,
        "PROMPTSAAS_LLM_TIMEOUT_SECONDS": timeout,
        "PROMPTSAAS_LLM_MAX_RETRIES": retries,
    }
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)

    message = str(refused.value)
    assert all(name in message for name in env)
    assert Settings.from_env({**env, "PROMPTSAAS_RESERVATION_TTL_SECONDS": "100000"}).reservation_ttl_seconds == 100000


def test_an_apple_key_file_that_cannot_be_read_stops_startup_and_a_bad_token_url_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PROMPTSAAS_APPLE_PRIVATE_KEY_FILE: cannot read"):
        Settings.from_env({"PROMPTSAAS_APPLE_PRIVATE_KEY_FILE": str(tmp_path / "AuthKey.p8")})
    with pytest.raises(SettingsError, match="PROMPTSAAS_GOOGLE_TOKEN_URL"):
        Settings.from_env({"PROMPTSAAS_GOOGLE_TOKEN_URL": "oauth2.googleapis.com/token"})
    (tmp_path / "AuthKey.p8").write_text("-----BEGIN PRIVATE KEY-----\n")
    settings = Settings.from_env({"PROMPTSAAS_APPLE_PRIVATE_KEY_FILE": str(tmp_path / "AuthKey.p8")})
    assert settings.apple_private_key_file == str(tmp_path / "AuthKey.p8")
    assert settings.google_token_url == "https://oauth2.googleapis.com/token"


def test_production_secrets_are_a_setting_error_naming_the_variable_and_development_needs_none() -> None:
    check_production_secrets(Settings())  # development generates what is missing, later and beside the database
    with pytest.raises(SettingsError, match="PROMPTSAAS_SECRET_KEY must be set in production"):
        check_production_secrets(Settings(production=True))
    with pytest.raises(SettingsError, match="PROMPTSAAS_SECRET_KEY: a signing secret must be at least 32"):
        check_production_secrets(Settings(production=True, secret_key="short"))
    with pytest.raises(SettingsError, match="PROMPTSAAS_ENCRYPTION_KEY must be set in production"):
        check_production_secrets(Settings(production=True, secret_key="s" * 40))
    check_production_secrets(Settings(production=True, secret_key="s" * 40, encryption_key="k1:" + "A" * 43 + "="))
