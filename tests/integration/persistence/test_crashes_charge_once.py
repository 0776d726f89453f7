"""What a crash leaves behind costs the caller nothing: a retried Idempotency-Key is charged once whatever dies when,
and a reservation whose process died stops counting once it expires, with no sweep run.

Real processes are killed (see `chat_worker`), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pytest

from promptsaas.domain.usage import Outcome
from tests.integration.persistence.platforms import EMAIL, NOW, catalog, open_platform, runs_message, set_up
from tests.integration.persistence.test_quota_under_concurrency import _line, _spawn

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"migrated_{request.param}_url"))


async def test_a_retry_after_the_server_died_between_settle_and_reply_gets_the_reply_and_is_charged_once(
    database_url: str,
) -> None:
    platform, _ = await open_platform(database_url)
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 5)))
        worker = _spawn(database_url, "crash", "key-1")
        assert worker.wait(timeout=60) == 9, "the worker dies right after its settlement committed"

        retried = await platform.container.runs().chat(await runs_message(platform, "answer once", "key-1"))

        [plan] = await tenant.limits(EMAIL)
        assert [v.used for v in plan.limits] == [1]
        assert "answer once" in retried.text
        async with platform.container.uow()() as uow:
            records = [r for r in await uow.usage.records(await tenant.id()) if r.outcome is Outcome.OK]
        assert len(records) == 1
        assert await platform.reconcile_quota() == []


async def test_a_dead_calls_expired_reservation_does_not_lock_a_small_quota_user_out(database_url: str) -> None:
    platform, clock = await open_platform(database_url, ttl_seconds=1)
    async with platform:
        tenant = await set_up(platform, catalog(("requests", "day", 1)))
        worker = _spawn(database_url, "hang")
        try:
            assert await _line(worker) == "reserved"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        clock.at = NOW + timedelta(seconds=2)  # the dead call's reservation has expired; nobody ran a sweep

        reply = await tenant.chat(EMAIL, "echo", "after the crash")

        assert "after the crash" in reply.text
        [plan] = await tenant.limits(EMAIL)
        assert [v.used for v in plan.limits] == [1]
        assert await platform.container.ledger().pending() == 0
