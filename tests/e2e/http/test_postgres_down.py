"""`serve --workers 2` on PostgreSQL while the server is stopped: an agent run answers 503 `database_unavailable` with
`Retry-After`, is charged nothing and shows no secret; once the server is back, runs answer again and every charge
made before the outage is still there. A worker that uvicorn starts again during the outage starts, answering 503
like the others, instead of failing to start, which would stop the whole server."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest
from sqlalchemy.engine import make_url

from tests.e2e.http.server_process import ServerProcess, start_server
from tests.support.postgres import PostgresServer, ThrowawayCluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
DATABASE_PASSWORD = "db-pa55word-for-the-outage-test"
"""In the URL the server is given, as a deployment's carries one (the throwaway cluster trusts every local login)."""
WORKERS = 2
AT_ONCE = 8
RUN_EVERY = 4
READY_BY = re.compile(r"GET /readyz 200 .* worker=(\d+)")


@pytest.fixture
def served(stoppable_postgres: ThrowawayCluster, tmp_path: Path) -> Iterator[ServerProcess]:
    created = make_url(PostgresServer(stoppable_postgres.url).create_database())
    url = created.set(password=DATABASE_PASSWORD).render_as_string(hide_password=False)
    server = start_server(url, tmp_path, serve_args=("--workers", str(WORKERS)))
    server.secrets.add(DATABASE_PASSWORD)
    try:
        every_worker_ready(server)
        yield server
    finally:
        server.stop()


def every_worker_ready(server: ServerProcess) -> None:
    """Wait until each worker has answered `/readyz`: one still starting when the database stops fails to start, and
    uvicorn then stops the whole server (the first answer came from one worker only)."""
    deadline = time.monotonic() + 60
    while len(set(READY_BY.findall(server.output()))) < WORKERS:
        assert time.monotonic() < deadline, server.output()
        httpx.get(f"{server.url}/readyz", timeout=10)


def run(server: ServerProcess, text: str, key: str | None = None) -> httpx.Response:
    """A run of the demo's `offline:echo` tutor (the member's free plan allows 5 a day), optionally idempotent."""
    headers = {"X-API-Key": server.demo.api_key} | ({"Idempotency-Key": key} if key else {})
    return httpx.post(f"{server.url}/v1/agents/tutor/runs", json={"input": text}, headers=headers, timeout=30)


def fill_both_pools(server: ServerProcess) -> int:
    """Requests at once, each on a connection of its own, so both workers pool connections; how many were runs."""

    def call(n: int) -> httpx.Response:
        if n % RUN_EVERY:
            return httpx.get(f"{server.url}/v1/me", headers={"X-API-Key": server.demo.api_key}, timeout=30)
        return run(server, f"before {n}")

    with ThreadPoolExecutor(AT_ONCE) as pool:
        answers = list(pool.map(call, range(AT_ONCE)))
    assert [a.status_code for a in answers] == [200] * AT_ONCE, [a.text for a in answers if a.status_code != 200]
    return len(range(0, AT_ONCE, RUN_EVERY))


def used_today(answer: httpx.Response) -> int:
    (requests,) = [limit["used"] for limit in answer.json()["limits"] if limit["metric"] == "requests"]
    return int(requests)


@pytest.mark.parametrize("pools", ["as started", "filled"])
def test_agent_runs_while_postgresql_is_stopped_answer_503_database_unavailable_and_charge_nothing(
    served: ServerProcess, stoppable_postgres: ThrowawayCluster, pools: str
) -> None:
    charged = fill_both_pools(served) if pools == "filled" else 0

    stoppable_postgres.pause()
    refused = [run(served, f"down {n}") for n in range(3)] + [run(served, f"down {n}", f"key-{n}") for n in range(3)]
    sdk = openai.OpenAI(base_url=f"{served.url}/v1", api_key=served.demo.api_key, max_retries=0)
    with pytest.raises(openai.InternalServerError) as completion:  # an OpenAI client is told in OpenAI's shape
        sdk.chat.completions.create(model="tutor", messages=[{"role": "user", "content": "down"}])
    stoppable_postgres.resume()
    again = run(served, "back", "key-0")  # a refused run's key: nothing of it was kept, so it runs now

    for answer in refused:
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "5"
        assert answer.json()["code"] == "database_unavailable"
        assert answer.json()["detail"] == "the database is unavailable; retry shortly"
    assert completion.value.status_code == 503
    assert completion.value.response.json()["error"]["code"] == "database_unavailable"
    assert completion.value.response.headers["retry-after"] == "5"
    assert again.status_code == 200, again.text
    assert again.json()["text"] == "You said: back"
    assert used_today(again) == charged + 1
    shown = served.output() + "".join(answer.text for answer in [*refused, again])
    assert [secret for secret in served.secrets if secret in shown] == []


def worker_started_during_the_outage(served: ServerProcess, stoppable_postgres: ThrowawayCluster) -> set[str]:
    """Stop PostgreSQL and kill a worker, which uvicorn starts again; once the new one has started, the ones before."""
    first = set(READY_BY.findall(served.output()))
    stoppable_postgres.pause()
    os.kill(int(min(first)), signal.SIGKILL)  # a worker that dies during the outage: uvicorn starts another
    deadline = time.monotonic() + 60
    while "serving meanwhile, the schema is checked once the database answers" not in served.output():
        assert served.process.poll() is None, served.output()
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.2)
    return first


def test_a_worker_started_again_while_postgresql_is_stopped_starts_and_the_server_keeps_running(
    served: ServerProcess, stoppable_postgres: ThrowawayCluster
) -> None:
    first = worker_started_during_the_outage(served, stoppable_postgres)
    during = [run(served, f"down {n}") for n in range(4)]  # the new worker among those answering
    stoppable_postgres.resume()

    checked = "the database answers again and its schema is current"
    deadline = time.monotonic() + 60
    while checked not in served.output() or not set(READY_BY.findall(served.output())) - first:
        assert served.process.poll() is None, served.output()
        assert time.monotonic() < deadline, served.output()
        httpx.get(f"{served.url}/readyz", timeout=10)
    assert [answer.status_code for answer in during] == [503] * 4
    assert served.process.poll() is None
    assert run(served, "after").status_code == 200
    assert [secret for secret in served.secrets if secret in served.output()] == []


def test_a_server_asked_to_stop_during_the_outage_stops_at_once(
    served: ServerProcess, stoppable_postgres: ThrowawayCluster
) -> None:
    worker_started_during_the_outage(served, stoppable_postgres)
    asked = time.monotonic()
    served.process.terminate()
    served.process.wait(timeout=15)
    assert time.monotonic() - asked < 5, served.output()
