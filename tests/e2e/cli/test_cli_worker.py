"""`promptsaas worker --once`, as cron runs it: every built-in job runs once and is reported; while another process
holds the runner's lock, nothing runs. `promptsaas worker`, as a container runs it: it says when it waits and when
it takes over, and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import fcntl
import os
import queue
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from subprocess import PIPE
from typing import IO

import psycopg
import pytest

from promptsaas.adapters.persistence.sqlalchemy.runner_lock import ADVISORY_KEY
from promptsaas.domain.whatsapp import InboundKind, InboundWhatsApp
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.cli.conftest import SCRIPT, Cli, child_env

JOBS = [
    "reservation-sweep",
    "retention-purge",
    "billing-inbox-retries",
    "whatsapp-inbox-retries",
    "messenger-retries",
]


def test_worker_once_runs_the_sweep_the_purge_and_the_retries(sqlite_cli: Cli) -> None:
    sqlite_cli("demo").ok()
    runs = sqlite_cli("--json", "worker", "--once").ok().json()
    assert [(r["job"], r["outcome"]) for r in runs] == [(job, "ok") for job in JOBS]


async def leave_whatsapp_message(database: Path) -> None:
    """A WhatsApp message stored by the webhook and never answered (its server died), for the demo tenant."""
    platform = await AsyncPlatform.open(f"sqlite:///{database}", Settings(database_url=f"sqlite:///{database}"))
    try:
        tenant_id = await platform.tenant("demo").id()
        message = InboundWhatsApp("wamid.left-behind", "15550001111", "15550001111", InboundKind.TEXT, "hello?")
        store = platform.container.whatsapp_store()
        assert await store.accept(tenant_id, [message], [], datetime.now(UTC)) == ["wamid.left-behind"]
    finally:
        await platform.close()


def test_worker_once_takes_up_a_whatsapp_message_left_unanswered(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("demo").ok()
    asyncio.run(leave_whatsapp_message(tmp_path / "promptsaas.db"))
    runs = {r["job"]: r for r in sqlite_cli("--json", "worker", "--once").ok().json()}
    assert (runs["whatsapp-inbox-retries"]["handled"], runs["whatsapp-inbox-retries"]["outcome"]) == (1, "ok")
    again = {r["job"]: r for r in sqlite_cli("--json", "worker", "--once").ok().json()}
    assert again["whatsapp-inbox-retries"]["handled"] == 0


def test_worker_once_does_nothing_while_another_runner_holds_the_lock(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("db", "upgrade").ok()
    database = tmp_path / "promptsaas.db"
    fd = os.open(f"{database}.jobs.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        done = sqlite_cli("worker", "--once").ok()
    finally:
        os.close(fd)
    assert "another process is running the jobs" in done.stdout


def hold_the_runner_lock(postgres_url: str) -> psycopg.Connection:
    """Another process's runner, as far as the worker can tell: a session holding the advisory lock."""
    conn = psycopg.connect(postgres_url, autocommit=True)
    conn.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
    return conn


def lock_is_free(postgres_url: str) -> bool:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
        return bool(row and row[0])


@pytest.mark.postgres
def test_worker_once_under_json_prints_no_runs_while_another_runner_holds_the_lock(
    postgres_cli: Cli, postgres_url: str
) -> None:
    postgres_cli("db", "upgrade").ok()
    with hold_the_runner_lock(postgres_url):
        assert postgres_cli("--json", "worker", "--once").json() == []
        assert "another process is running the jobs" in postgres_cli("worker", "--once").ok().stdout


class Lines:
    """A child's stderr, read on a thread so the test can wait for a line with a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream], daemon=True).start()

    def wait_for(self, text: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not any(text in line for line in self.seen):
            try:
                self.seen.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"no line saying {text!r} in {self.seen}") from None


@pytest.mark.postgres
def test_a_waiting_worker_says_so_takes_over_and_stops_on_sigterm(
    postgres_cli: Cli, postgres_url: str, pycache: str
) -> None:
    postgres_cli("db", "upgrade").ok()
    env = child_env(  # debug: an idle run (nothing to sweep here) is logged at debug
        pycache, PROMPTSAAS_JOB_TICK_SECONDS="0.05", PROMPTSAAS_LOG_FORMAT="json", PROMPTSAAS_LOG_LEVEL="debug"
    )
    other = hold_the_runner_lock(postgres_url)
    worker = subprocess.Popen(
        [str(SCRIPT), "--database-url", postgres_url, "worker"], env=env, stdout=PIPE, stderr=PIPE, text=True
    )
    try:
        assert worker.stderr is not None
        lines = Lines(worker.stderr)
        lines.wait_for("this one waits")
        other.close()
        lines.wait_for("this process runs the jobs")
        lines.wait_for("job reservation-sweep ran")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, lines.seen
    finally:
        other.close()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert lock_is_free(postgres_url)
