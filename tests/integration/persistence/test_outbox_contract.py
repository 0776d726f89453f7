"""The messenger outbox on every backend: a kept reply is claimed by one sender, put off with what is left to send,
and finished once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from promptsaas.adapters.persistence.memory.outbox import MemoryOutboxStore
from promptsaas.adapters.persistence.sqlalchemy.outbox import SqlOutboxStore
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.application.ports.outbox import OutboxEntry, OutboxState, OutboxStore
from tests.integration.persistence.conftest import Backend

NOW = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
REPLY = Answer("hello there", ((Button("Plans", "plans"), Button("Site", url="https://example.com")),))


def store_on(backend: Backend) -> OutboxStore:
    return MemoryOutboxStore() if backend.database is None else SqlOutboxStore(backend.database)


def kept(entry_id: str = "o1", due: datetime = NOW) -> OutboxEntry:
    return OutboxEntry("t1", entry_id, "telegram", "7001", REPLY, NOW, due)


async def test_of_concurrent_senders_one_claims_a_due_reply_until_its_lease_runs_out(backend: Backend) -> None:
    store = store_on(backend)
    await store.keep(kept())
    await store.keep(kept("o2", due=NOW + timedelta(minutes=1)))

    claims = await asyncio.gather(*[store.claim_due(NOW, NOW + LEASE) for _ in range(5)])

    assert sorted(len(c) for c in claims) == [0, 0, 0, 0, 1]
    [[claimed]] = [c for c in claims if c]
    assert (claimed.id, claimed.answer, claimed.attempts) == ("o1", REPLY, 1)
    assert [e.id for e in await store.claim_due(NOW + LEASE - timedelta(seconds=1), NOW + LEASE * 2)] == ["o2"]
    assert [e.id for e in await store.claim_due(NOW + LEASE, NOW + LEASE * 2)] == ["o1"]


async def test_a_reply_put_off_keeps_what_is_left_and_a_finished_one_is_never_claimed(backend: Backend) -> None:
    store = store_on(backend)
    await store.keep(kept())
    await store.claim_due(NOW, NOW + LEASE)
    await store.retry_later("t1", "o1", NOW + timedelta(seconds=10), Answer("there"), "TelegramServerError")

    [again] = await store.claim_due(NOW + timedelta(seconds=10), NOW + LEASE)
    await store.finish("t1", "o1", OutboxState.SENT, NOW + timedelta(seconds=11))

    assert (again.answer, again.attempts, again.error) == (Answer("there"), 2, "TelegramServerError")
    assert await store.claim_due(NOW + timedelta(days=1), NOW + timedelta(days=2)) == []
    [done] = await store.entries("t1")
    assert (done.state, done.finished_at) == (OutboxState.SENT, NOW + timedelta(seconds=11))
    assert await store.entries("t2") == []
