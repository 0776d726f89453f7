"""Log lines mask credentials, and a request id is kept only when it cannot forge a line or a header."""

from __future__ import annotations

import logging

import pytest

from promptsaas.adapters.observability.logs import MASK, configure_logging, redact
from promptsaas.entrypoints.composition.operations import OperationsSettings
from promptsaas.entrypoints.composition.variables import Variables
from promptsaas.entrypoints.http.observability.request_id import request_id_from


def test_credentials_are_masked_wherever_they_appear_in_a_line() -> None:
    line = {
        "event": "calling with psk_abcdefgh12345678 and Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl",
        "password": "hunter2-hunter2",
        "detail": "sk-proj-0123456789abcdef rejected",
        "status": 401,
    }
    masked = redact(None, "info", dict(line))
    assert "psk_abcdefgh12345678" not in masked["event"]
    assert "eyJzdWIiOiIx" not in masked["event"]
    assert masked["password"] == MASK
    assert masked["detail"] == f"{MASK} rejected"
    assert masked["status"] == 401


def test_the_values_postgresql_quotes_in_a_constraint_error_are_masked() -> None:
    """What an unforeseen IntegrityError's logged traceback would show of the row (its parameters are hidden)."""
    unique = (
        'duplicate key value violates unique constraint "users_tenant_id_email_key"\n'
        "DETAIL:  Key (tenant_id, email)=(t1, alice@secret.example) already exists."
    )
    missing = 'insert violates foreign key\nDETAIL:  Key (tenant_id)=(t-9f3a) is not present in table "tenants".'
    masked = redact(None, "error", {"event": "unhandled error", "exception": unique, "other": missing})
    assert masked["exception"].endswith(f"DETAIL:  Key {MASK} already exists.")
    assert "alice@secret.example" not in masked["exception"]
    assert "t-9f3a" not in masked["other"]
    assert masked["event"] == "unhandled error"


def test_secrets_under_any_secret_looking_key_nested_or_of_other_services_are_masked() -> None:
    line = {
        "access_token": "opaque-access-value",
        "client_secret": "opaque-client-value",
        "provider_key": "opaque-provider-value",
        "input_tokens": 12,
        "headers": {"X-API-Key": "opaque-header-value", "accept": "text/html"},
        "keys": ["psk_abcdefgh12345678", "plain"],
        "event": "stripe sk_test_51Habcdef and whsec_abcdef123456, bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "url": "postgresql+psycopg://app:s3cret-pw@db:5432/promptsaas",
    }
    masked = redact(None, "info", dict(line))
    assert (masked["access_token"], masked["client_secret"], masked["provider_key"]) == (MASK, MASK, MASK)
    assert masked["input_tokens"] == 12
    assert masked["headers"] == {"X-API-Key": MASK, "accept": "text/html"}
    assert masked["keys"] == [MASK, "plain"]
    assert masked["event"] == f"stripe {MASK} and {MASK}, bot {MASK}"
    assert masked["url"] == f"postgresql+psycopg://{MASK}@db:5432/promptsaas"


def test_a_sane_request_id_is_kept_and_a_forged_one_replaced() -> None:
    assert request_id_from(b"lb-7f3a:42") == "lb-7f3a:42"
    for forged in (b'x" status=200', b"a\r\nSet-Cookie: x", b"x" * 129, b""):
        replaced = request_id_from(forged)
        assert replaced != forged.decode("latin-1")
        assert len(replaced) == 32


def test_production_logs_json_and_development_a_console() -> None:
    assert OperationsSettings.from_variables(Variables({}), production=True).log_format == "json"
    assert OperationsSettings.from_variables(Variables({}), production=False).log_format == "console"
    chosen = Variables(
        {"PROMPTSAAS_LOG_FORMAT": "json", "PROMPTSAAS_CORS_ORIGINS": "https://a.example, https://b.example"}
    )
    operations = OperationsSettings.from_variables(chosen, production=False)
    assert operations.log_format == "json"
    assert operations.cors_origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("PROMPTSAAS_METRICS_ALLOW_IPS", "10.0.0.1, garbage", "'garbage' is not an IP address or network"),
        ("PROMPTSAAS_CORS_ORIGINS", "https://app.example/", "'https://app.example/' is not an origin"),
        ("PROMPTSAAS_CORS_ORIGINS", "app.example", "'app.example' is not an origin"),
    ],
)
def test_an_address_or_origin_that_could_never_match_is_refused_naming_it(name: str, value: str, named: str) -> None:
    with pytest.raises(ValueError, match=f"{name}: {named}"):
        OperationsSettings.from_variables(Variables({name: value}), production=False)


def test_networks_and_origins_with_a_port_are_accepted() -> None:
    chosen = Variables(
        {"PROMPTSAAS_METRICS_ALLOW_IPS": "10.0.0.0/8, ::1, *", "PROMPTSAAS_CORS_ORIGINS": "http://localhost:5173"}
    )
    operations = OperationsSettings.from_variables(chosen, production=False)
    assert operations.metrics_allow_ips == ("10.0.0.0/8", "::1", "*")
    assert operations.cors_origins == ("http://localhost:5173",)


def test_a_model_call_through_the_sdks_http_client_writes_no_line_of_its_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("json", "INFO")
    try:
        logging.getLogger("httpx2").info('HTTP Request: POST http://127.0.0.1/v1/chat/completions "200 OK"')
        logging.getLogger("promptsaas.access").info("POST /v1/agents/{slug}/runs 200")
    finally:
        configure_logging("console", "INFO")
    lines = capsys.readouterr().err
    assert "HTTP Request" not in lines
    assert "/v1/agents/{slug}/runs" in lines
