"""Behind a proxy: `X-Forwarded-For` is believed only from `PROMPTSAAS_FORWARDED_ALLOW_IPS` (here 127.0.0.1), so the
login limit, the access line and `/metrics`' address check see the real client; from any other address (here
127.0.0.2, also loopback) the header is ignored. `/metrics` opens without a token to configured addresses only."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.http.server_process import ServerProcess, start_server

PROXY, STRANGER = "127.0.0.1", "127.0.0.2"
SCRAPER = "203.0.113.9"
SCRAPERS = "198.51.100.0/28"
LOGIN_LIMIT = 3


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("proxied")
    env = {
        "PROMPTSAAS_FORWARDED_ALLOW_IPS": PROXY,
        "PROMPTSAAS_METRICS_ALLOW_IPS": f"{SCRAPER},{SCRAPERS}",
        "PROMPTSAAS_METRICS_TOKEN": "metrics-t0ken-behind-the-proxy",
        "PROMPTSAAS_LOGIN_LIMIT_PER_IP": str(LOGIN_LIMIT),
        "PROMPTSAAS_LOG_FORMAT": "json",
    }
    server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir, extra_env=env)
    try:
        yield server
    finally:
        server.stop()


def from_address(server: ServerProcess, address: str, **headers: str) -> httpx.Client:
    """A client whose connections leave from `address` (every 127.x address is this machine's loopback)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, headers=headers, timeout=30)


def client_in_access_line(server: ServerProcess, request_id: str) -> Any:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in server.output().splitlines():
            entry = json.loads(line) if line.startswith("{") else {}
            if entry.get("request_id") == request_id and "status" in entry:
                return entry["client"]
        time.sleep(0.05)
    raise AssertionError(f"no access line for {request_id}")


def failed_login(client: httpx.Client, tenant: str, n: int, forwarded_for: str) -> int:
    body = {"email": f"nobody-{forwarded_for}-{n}@example.com", "password": "not-the-pa55word"}
    headers = {"X-Tenant": tenant, "X-Forwarded-For": forwarded_for}
    return client.post("/v1/auth/login", json=body, headers=headers).status_code


def test_the_access_line_names_the_client_the_trusted_proxy_forwarded(proxied: ServerProcess) -> None:
    with from_address(proxied, PROXY, **{"X-Forwarded-For": "198.51.100.23", "X-Request-ID": "via-proxy"}) as http:
        assert http.get("/healthz").status_code == 200
    with from_address(proxied, STRANGER, **{"X-Forwarded-For": "198.51.100.24", "X-Request-ID": "direct"}) as http:
        assert http.get("/healthz").status_code == 200
    assert client_in_access_line(proxied, "via-proxy") == "198.51.100.23"
    assert client_in_access_line(proxied, "direct") == STRANGER


def test_the_login_limit_counts_each_forwarded_client_but_not_a_stranger_s_claims(proxied: ServerProcess) -> None:
    tenant = proxied.demo.tenant
    with from_address(proxied, PROXY) as http:
        first = [failed_login(http, tenant, n, "198.51.100.50") for n in range(LOGIN_LIMIT + 1)]
        other_client = failed_login(http, tenant, 0, "198.51.100.51")
    assert first == [401] * LOGIN_LIMIT + [429]
    assert other_client == 401
    with from_address(proxied, STRANGER) as http:
        claims = [failed_login(http, tenant, n, f"198.51.100.{60 + n}") for n in range(LOGIN_LIMIT + 1)]
    assert claims == [401] * LOGIN_LIMIT + [429]


def test_metrics_open_without_a_token_only_to_a_configured_address(proxied: ServerProcess) -> None:
    with from_address(proxied, PROXY, **{"X-Forwarded-For": SCRAPER}) as http:
        assert http.get("/metrics").status_code == 200
    with from_address(proxied, PROXY, **{"X-Forwarded-For": "198.51.100.14"}) as http:  # in the allowed network
        assert http.get("/metrics").status_code == 200
    with from_address(proxied, PROXY, **{"X-Forwarded-For": "198.51.100.70"}) as http:
        assert http.get("/metrics").status_code == 403
    with from_address(proxied, PROXY) as http:
        assert http.get("/metrics").status_code == 403
    with from_address(proxied, STRANGER, **{"X-Forwarded-For": SCRAPER}) as http:
        assert http.get("/metrics").status_code == 403
