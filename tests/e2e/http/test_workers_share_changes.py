"""`serve --workers 2` on one database: a revoked API key and a disabled user are refused by every worker within
100 ms (the read cache's own ttl is set to a minute, so only the cross-process invalidation can explain a refusal),
and `/metrics` adds up both workers' series."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.http.server_process import ENGINES, ServerProcess, fresh_database, start_server

pytestmark = pytest.mark.slow
PROPAGATION_SECONDS = 0.1
SPREAD = 24
"""Requests on fresh connections in one round; rounds repeat until both workers answered (checked in the access
lines), since the kernel may hand one round's connections all to one worker."""
ROUNDS = 20


@pytest.fixture(scope="module", params=ENGINES)
def two_workers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp(f"workers-{request.param}")
    env = {"PROMPTSAAS_LOG_FORMAT": "json", "PROMPTSAAS_CACHE_TTL_SECONDS": "60"}
    with fresh_database(request, workdir) as url:
        server = start_server(url, workdir, extra_env=env, serve_args=("--workers", "2"))
        try:
            both_workers_answer(server)  # /readyz answered from one worker; the other may still be starting
            yield server
        finally:
            server.stop()


def spread(server: ServerProcess, headers: dict[str, str], path: str = "/v1/me") -> list[tuple[int, str]]:
    """`SPREAD` requests, each on its own connection at once: their statuses and request ids."""

    def one(_: int) -> tuple[int, str]:
        response = httpx.get(f"{server.url}{path}", headers=headers, timeout=30)
        return response.status_code, response.headers["x-request-id"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(SPREAD)))


def spread_over_both(server: ServerProcess, headers: dict[str, str], path: str = "/v1/me") -> list[tuple[int, str]]:
    """Rounds of `spread` until both workers have answered one of them: every round's statuses and request ids."""
    answered: list[tuple[int, str]] = []
    for _ in range(ROUNDS):
        answered += spread(server, headers, path)
        if len(workers_of(server, {rid for _, rid in answered})) == 2:
            return answered
    raise AssertionError(f"one worker answered all {len(answered)} requests")


def both_workers_answer(server: ServerProcess) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(workers_of(server, {rid for _, rid in spread(server, {}, "/healthz")})) == 2:
            return
    raise AssertionError(f"the second worker never answered:\n{server.output()}")


def workers_of(server: ServerProcess, request_ids: set[str]) -> set[int]:
    time.sleep(0.3)
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    return {line["worker"] for line in lines if line.get("request_id") in request_ids and "worker" in line}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None


def admin_client(server: ServerProcess) -> httpx.Client:
    credentials = {"email": server.demo.admin["email"], "password": server.demo.admin["password"]}
    with server.client(**{"X-Tenant": server.demo.tenant}) as http:
        token = ok(http.post("/v1/auth/login", json=credentials))["access_token"]
    return server.client(Authorization=f"Bearer {token}")


def warmed_then_refused(server: ServerProcess, headers: dict[str, str], change: Any) -> list[int]:
    """Both workers cache the caller (each answers 200), `change` runs, and 100 ms later every worker answers."""
    warm = spread_over_both(server, headers)
    assert {status for status, _ in warm} == {200}
    change()
    time.sleep(PROPAGATION_SECONDS)
    return [status for status, _ in spread_over_both(server, headers)]


def test_a_revoked_api_key_is_refused_by_every_worker_within_100_ms(two_workers: ServerProcess) -> None:
    with two_workers.client(**{"X-Tenant": two_workers.demo.tenant}) as http:
        member = {"email": two_workers.demo.member["email"], "password": two_workers.demo.member["password"]}
        token = ok(http.post("/v1/auth/login", json=member))["access_token"]
    with two_workers.client(Authorization=f"Bearer {token}") as http:
        key = ok(http.post("/v1/me/api-keys", json={"name": "to revoke"}), 201)
        secret = key["key"]

        def revoke() -> None:
            ok(http.delete(f"/v1/me/api-keys/{key['id']}"), 204)

        statuses = warmed_then_refused(two_workers, {"X-API-Key": secret}, revoke)
    assert set(statuses) == {401}, statuses


def test_a_disabled_user_is_refused_by_every_worker_within_100_ms(two_workers: ServerProcess) -> None:
    body = {"email": "soon-disabled@example.com", "password": "disabled-pa55word-long"}
    with two_workers.client(**{"X-Tenant": two_workers.demo.tenant}) as http:
        ok(http.post("/v1/auth/register", json=body), 202)  # open sign-up: the account exists, no tokens yet
        session = ok(http.post("/v1/auth/login", json=body))
    with admin_client(two_workers) as admin:
        user_id = {u["email"]: u["id"] for u in ok(admin.get("/v1/admin/users"))}[body["email"]]

        def disable() -> None:
            ok(admin.patch(f"/v1/admin/users/{user_id}", json={"status": "disabled"}))

        statuses = warmed_then_refused(two_workers, {"Authorization": f"Bearer {session['access_token']}"}, disable)
    assert set(statuses) == {401} or set(statuses) == {403}, statuses


def test_metrics_add_up_both_workers(two_workers: ServerProcess) -> None:
    before = healthz_count(two_workers)
    answered = spread_over_both(two_workers, {}, "/healthz")
    assert {status for status, _ in answered} == {200}
    assert healthz_count(two_workers) - before == len(answered)


def healthz_count(server: ServerProcess) -> float:
    """The scraped count of `GET /healthz` 200s, whichever worker answers the scrape."""
    scrape = ok_text(httpx.get(f"{server.url}/metrics"))
    prefix = 'promptsaas_http_requests_total{method="GET",route="/healthz",status="200"}'
    counted = [line for line in scrape.splitlines() if line.startswith(prefix)]
    assert counted, scrape
    return float(counted[0].rsplit(" ", 1)[1])


def ok_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.text


def test_the_supervisor_holds_no_app_only_the_workers_do(two_workers: ServerProcess) -> None:
    """The process that starts and watches the workers loads neither SQLAlchemy (whose compiled extensions it would
    map) nor the app, so it holds about half of what a worker does (43 MB on SQLite, 53 MB with psycopg)."""
    supervisor = two_workers.process.pid
    workers = [pid for pid in children(supervisor) if "multiprocessing.spawn" in command_line(pid)]
    assert len(workers) == 2
    for pid in workers:
        assert "sqlalchemy" in mapped_packages(pid)
    assert "sqlalchemy" not in mapped_packages(supervisor)
    assert resident_kib(supervisor) < 0.6 * min(resident_kib(pid) for pid in workers)  # before: 0.9


def children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")


def mapped_packages(pid: int) -> set[str]:
    """Top-level packages of site-packages whose files the process has mapped (its compiled extensions)."""
    lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return {line.split("site-packages/", 1)[1].split("/")[0] for line in lines if "site-packages/" in line}


def resident_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
