"""Two `promptsaas serve` processes on one database, as workers behind a load balancer: a retried run and a
guessed password count once, whichever server each request lands on.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.http.server_process import ENGINES, ServerProcess, fresh_database, launch_server, start_server

pytestmark = pytest.mark.slow
LOGIN_PER_EMAIL = 10  # AuthRateLimits' default


@pytest.fixture(scope="module", params=ENGINES)
def servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    workdir = tmp_path_factory.mktemp(f"two-servers-{request.param}")
    with fresh_database(request, workdir) as url:
        first = start_server(url, workdir)
        try:
            second = launch_server(url, workdir, first.demo, "second-server.log")
            try:
                yield first, second
            finally:
                second.stop()
        finally:
            first.stop()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def register(server: ServerProcess, email: str) -> httpx.Client:
    """A new member of the demo tenant, signed in on `server`; their token is good on every server."""
    body = {"email": email, "password": "shared-pa55word-long"}
    with server.client(**{"X-Tenant": server.demo.tenant}) as http:
        ok(http.post("/v1/auth/register", json=body), 202)
        session = ok(http.post("/v1/auth/login", json=body))
    return server.client(Authorization=f"Bearer {session['access_token']}")


def requests_charged(server: ServerProcess, email: str) -> int:
    admin = server.demo.admin
    credentials = {"email": admin["email"], "password": admin["password"]}
    with server.client(**{"X-Tenant": server.demo.tenant}) as http:
        token = ok(http.post("/v1/auth/login", json=credentials))["access_token"]
    with server.client(Authorization=f"Bearer {token}") as http:
        user_id = {u["email"]: u["id"] for u in ok(http.get("/v1/admin/users"))}[email]
        rows = ok(http.get("/v1/admin/usage", params={"group_by": "user"}))
    return sum(row["requests"] for row in rows if row["key"] in {user_id, email})


def test_a_retry_landing_on_the_other_server_gets_the_first_reply_and_is_charged_once(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    first, second = servers
    member = register(first, "retry@example.com")
    run, headers = {"input": "charge me once"}, {"Idempotency-Key": "retry-on-another-worker"}
    on_first = ok(member.post("/v1/agents/tutor/runs", json=run, headers=headers))
    with second.client(Authorization=member.headers["Authorization"]) as on_the_other:
        on_second = ok(on_the_other.post("/v1/agents/tutor/runs", json=run, headers=headers))
    member.close()

    assert on_second == on_first
    assert requests_charged(second, "retry@example.com") == 1


def test_the_same_run_sent_to_both_servers_at_once_is_charged_once(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    member = register(servers[0], "twice@example.com")
    clients = [server.client(Authorization=member.headers["Authorization"]) for server in servers for _ in range(4)]
    run, headers = {"input": "at once"}, {"Idempotency-Key": "sent-everywhere"}
    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(pool.map(lambda c: c.post("/v1/agents/tutor/runs", json=run, headers=headers), clients))
    for client in [*clients, member]:
        client.close()

    answered = [r.json() for r in responses if r.status_code == 200]
    waiting = [r.json()["code"] for r in responses if r.status_code == 409]
    assert len(answered) + len(waiting) == len(responses), [r.text for r in responses]
    print(f"\n8 copies of one run on 2 servers: {len(answered)} answered alike, {len(waiting)} told to retry")
    assert answered
    assert all(a == answered[0] for a in answered)
    assert set(waiting) <= {"idempotency_in_progress"}
    assert requests_charged(servers[1], "twice@example.com") == 1


def test_guessing_a_password_on_both_servers_is_limited_as_on_one(
    servers: tuple[ServerProcess, ServerProcess],
) -> None:
    register(servers[0], "guessed@example.com").close()
    guess = {"email": "guessed@example.com", "password": "not-the-password"}
    statuses = []
    for n in range(LOGIN_PER_EMAIL + 2):
        with servers[n % 2].client(**{"X-Tenant": servers[0].demo.tenant}) as http:
            response = http.post("/v1/auth/login", json=guess)
        statuses.append(response.status_code)

    assert statuses == [401] * LOGIN_PER_EMAIL + [429, 429]
    assert 0 < int(response.headers["Retry-After"]) <= 900
