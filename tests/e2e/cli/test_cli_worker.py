"""`promptsaas worker --once`, as cron runs it: every built-in job runs once and is reported; while another process
holds the runner's lock, nothing runs."""

from __future__ import annotations

import asyncio
import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path

from promptsaas.domain.whatsapp import InboundKind, InboundWhatsApp
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.cli.conftest import Cli

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
