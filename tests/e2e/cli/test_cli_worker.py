"""`promptsaas worker --once`, as cron runs it: every built-in job runs once and is reported; while another process
holds the runner's lock, nothing runs."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from tests.e2e.cli.conftest import Cli


def test_worker_once_runs_the_sweep_the_purge_and_the_messenger_retries(sqlite_cli: Cli) -> None:
    sqlite_cli("demo").ok()
    runs = sqlite_cli("--json", "worker", "--once").ok().json()
    assert [(r["job"], r["outcome"]) for r in runs] == [
        ("reservation-sweep", "ok"),
        ("retention-purge", "ok"),
        ("messenger-retries", "ok"),
        ("whatsapp-retries", "ok"),
    ]


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
