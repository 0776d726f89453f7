"""What an operator sees of a served process: JSON access lines carrying the request id (also in the response
header and problem bodies), no secret in any line, and `/metrics` only for the token."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import prometheus_client
import pytest

from tests.e2e.http.server_process import ServerProcess, start_server

METRICS_TOKEN = "metrics-t0ken-for-the-scrape"


@pytest.fixture(scope="module")
def served_json(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("observed")
    env = {
        "PROMPTSAAS_LOG_FORMAT": "json",
        "PROMPTSAAS_METRICS_TOKEN": METRICS_TOKEN,
        "PROMPTSAAS_METRICS_ALLOW_IPS": "192.0.2.1",
        "PROMPTSAAS_CORS_ORIGINS": "https://app.example",
    }
    server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir, extra_env=env)
    server.secrets.add(METRICS_TOKEN)
    try:
        yield server
    finally:
        server.stop()


def lines(server: ServerProcess) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]


def access_line(server: ServerProcess, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = [line for line in lines(server) if line.get("request_id") == request_id and "status" in line]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no access line for {request_id}:\n{server.output()}")


def test_a_run_has_one_json_access_line_with_its_request_id_caller_and_route(served_json: ServerProcess) -> None:
    with served_json.client(**{"X-API-Key": served_json.demo.api_key, "X-Request-ID": "lb-run-0001"}) as http:
        response = http.post("/v1/agents/tutor/runs", json={"input": "hello"})
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "lb-run-0001"
    line = access_line(served_json, "lb-run-0001")
    assert line["route"] == "/v1/agents/{slug}/runs"
    assert (line["method"], line["status"], line["channel"]) == ("POST", 200, "api")
    assert line["tenant"]
    assert line["user"]
    assert line["duration_ms"] > 0


def test_a_problem_names_the_generated_request_id_of_its_response(served_json: ServerProcess) -> None:
    with served_json.client(**{"X-Tenant": served_json.demo.tenant}) as http:
        wrong = {"email": served_json.demo.member["email"], "password": "not-the-pa55word"}
        served_json.secrets.add(wrong["password"])
        response = http.post("/v1/auth/login", json=wrong)
    assert response.status_code == 401
    assert response.json()["request_id"] == response.headers["x-request-id"]
    assert access_line(served_json, response.headers["x-request-id"])["status"] == 401


def test_a_sign_in_names_the_tenant_it_addressed(served_json: ServerProcess) -> None:
    """A failed sign-in has no user yet, but its line names the tenant: an operator can tell which tenant is under
    a password-guessing attack."""
    with served_json.client(**{"X-API-Key": served_json.demo.api_key, "X-Request-ID": "lb-run-0002"}) as http:
        assert http.post("/v1/agents/tutor/runs", json={"input": "hello"}).status_code == 200
    with served_json.client(**{"X-Tenant": served_json.demo.tenant, "X-Request-ID": "lb-login-0001"}) as http:
        wrong = {"email": served_json.demo.member["email"], "password": "also-not-the-pa55word"}
        served_json.secrets.add(wrong["password"])
        assert http.post("/v1/auth/login", json=wrong).status_code == 401
    line = access_line(served_json, "lb-login-0001")
    assert line["tenant"] == access_line(served_json, "lb-run-0002")["tenant"]
    assert (line["user"], line["status"]) == (None, 401)


def test_metrics_need_the_token_and_count_the_calls(served_json: ServerProcess) -> None:
    with served_json.client(**{"X-API-Key": served_json.demo.api_key}) as http:
        assert http.post("/v1/agents/tutor/runs", json={"input": "count me"}).status_code == 200
        for n in range(3):  # slugs a caller makes up are not series of their own
            assert http.post(f"/v1/agents/made-up-{n}/runs", json={"input": "x"}).status_code == 404
    assert httpx.get(f"{served_json.url}/metrics").status_code == 403
    wrong = httpx.get(f"{served_json.url}/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 403
    scrape = httpx.get(f"{served_json.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scrape.status_code == 200
    assert scrape.headers["content-type"] == prometheus_client.CONTENT_TYPE_LATEST  # one charset: Prometheus 3 parses
    text = scrape.text
    assert 'promptsaas_agent_calls_total{agent="tutor",channel="api"' in text
    assert 'outcome="ok"' in text
    assert "promptsaas_llm_call_seconds_bucket" in text
    assert 'promptsaas_ledger_seconds_count{operation="settle"}' in text
    assert 'promptsaas_tokens_total{agent="tutor",direction="out"' in text
    assert "made-up" not in text
    assert 'agent="(unknown)",channel="api",outcome="rejected"' in text


def test_a_browser_on_a_configured_origin_may_call_the_api(served_json: ServerProcess) -> None:
    preflight = httpx.options(
        f"{served_json.url}/v1/plans",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers.get("access-control-allow-origin") == "https://app.example"
    other = httpx.get(f"{served_json.url}/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_no_secret_appears_in_any_log_line(served_json: ServerProcess, tmp_path: Path) -> None:
    with served_json.client(**{"X-Tenant": served_json.demo.tenant}) as http:
        member = {"email": served_json.demo.member["email"], "password": served_json.demo.member["password"]}
        token = http.post("/v1/auth/login", json=member).json()["access_token"]
    served_json.secrets.add(token)
    with served_json.client(Authorization=f"Bearer {token}") as http:
        assert http.get("/v1/me").status_code == 200
    time.sleep(0.3)
    output = served_json.output()
    assert len(lines(served_json)) >= 5
    for secret in served_json.secrets:
        assert secret not in output
