"""`serve --workers 2` on PostgreSQL when every session of its database ends, as a PostgreSQL restart ends them: the
requests that follow are answered as before, none with 503 `database_unavailable`, and a run is charged once. When the
server closes the new connection too (still restarting), a run is 503 `database_unavailable`; its retry runs once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.e2e.http.server_process import ServerProcess, start_server
from tests.e2e.http.world import world
from tests.integration.persistence.conftest import migrate
from tests.support.postgres import PostgresServer, closing_new_connections

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
AT_ONCE = 8
"""Requests sent at once before the sessions end, on connections of their own: both workers fill their pools."""
RUN_EVERY = 4
AFTER = 12
RUNS = "/v1/agents/tutor/runs"


@pytest.fixture
def served(postgres_server: PostgresServer, tmp_path: Path) -> Iterator[tuple[ServerProcess, str]]:
    url = postgres_server.create_database()
    try:
        server = start_server(url, tmp_path, serve_args=("--workers", "2"))
        try:
            yield server, url
        finally:
            server.stop()
    finally:
        postgres_server.drop_database(url)


def end_every_session(url: str) -> int:
    """What a PostgreSQL restart does to the server's connections: each session of its database is terminated."""
    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def call(server: ServerProcess, n: int) -> httpx.Response:
    """A run of the demo's `offline:echo` tutor every `RUN_EVERY` calls (the member's free plan allows 5 a day), a
    read (`GET /v1/me`) otherwise; each on a connection of its own."""
    headers = {"X-API-Key": server.demo.api_key}
    if n % RUN_EVERY:
        return httpx.get(f"{server.url}/v1/me", headers=headers, timeout=30)
    run = {"input": f"run {n}"}
    return httpx.post(f"{server.url}{RUNS}", json=run, headers=headers, timeout=30)


def test_requests_after_the_database_ended_every_session_are_answered_not_refused(
    served: tuple[ServerProcess, str],
) -> None:
    server, url = served
    with ThreadPoolExecutor(AT_ONCE) as pool:
        warm = list(pool.map(lambda n: call(server, n), range(AT_ONCE)))
    assert [r.status_code for r in warm] == [200] * AT_ONCE, [r.text for r in warm if r.status_code != 200]

    assert end_every_session(url) >= 2  # at least one connection of each worker
    after = [call(server, n) for n in range(AFTER)]

    assert [r.status_code for r in after] == [200] * len(after), [r.text for r in after if r.status_code != 200]
    runs = range(0, AFTER, RUN_EVERY)
    assert [after[n].json()["text"] for n in runs] == [f"You said: run {n}" for n in runs]
    assert "the database is unavailable" not in server.output()


async def test_a_run_whose_new_connection_is_closed_too_answers_503_database_unavailable_and_its_retry_runs_once(
    postgres_url: str, tmp_path: Path
) -> None:
    async with world(migrate(postgres_url), tmp_path) as made:
        member = made.a.member.bearer
        once = {**member, "Idempotency-Key": "run-after-the-restart"}
        first = await made.client.post(RUNS, json={"input": "first"}, headers=member)
        assert end_every_session(postgres_url) >= 1
        with closing_new_connections(made.platform.container.persistence().database().engine, postgres_url):
            refused = await made.client.post(RUNS, json={"input": "again"}, headers=once)
        retried = await made.client.post(RUNS, json={"input": "again"}, headers=once)

    assert first.status_code == 200, first.text
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"] == "5"
    assert refused.json()["code"] == "database_unavailable"
    assert retried.status_code == 200, retried.text
    assert retried.json()["text"] == "You said: again"
    requests = [limit for limit in retried.json()["limits"] if limit["metric"] == "requests"]
    assert [limit["used"] for limit in requests] == [2]
