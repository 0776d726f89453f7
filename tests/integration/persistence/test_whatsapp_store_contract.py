"""The WhatsApp store on every backend: a message is stored once, claimed by one, and statuses only move forward."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from promptsaas.adapters.persistence.memory.whatsapp import MemoryWhatsAppStore
from promptsaas.adapters.persistence.sqlalchemy.whatsapp import SqlWhatsAppStore
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.application.ports.whatsapp_store import InboxState, WhatsAppStore
from promptsaas.domain.whatsapp import DeliveryState, DeliveryStatus, InboundKind, InboundWhatsApp
from tests.integration.persistence.conftest import Backend

NOW = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def store_on(backend: Backend) -> WhatsAppStore:
    return MemoryWhatsAppStore() if backend.database is None else SqlWhatsAppStore(backend.database)


def hello(message_id: str = "wamid.1") -> InboundWhatsApp:
    return InboundWhatsApp(message_id, "US.1", "15551234567", InboundKind.TEXT, text="hello", name="Ada")


async def test_a_message_delivered_five_times_concurrently_is_stored_once(backend: Backend) -> None:
    store = store_on(backend)
    stored = await asyncio.gather(*[store.accept("t1", [hello()], [], NOW) for _ in range(5)])
    assert sorted(map(len, stored)) == [0, 0, 0, 0, 1]
    assert [e.message for e in await store.entries("t1")] == [hello()]
    assert await store.entries("t2") == []


async def test_of_concurrent_claims_one_wins_until_its_lease_runs_out(backend: Backend) -> None:
    store = store_on(backend)
    await store.accept("t1", [hello()], [], NOW)
    claims = await asyncio.gather(*[store.claim("t1", "wamid.1", NOW, NOW + LEASE) for _ in range(5)])
    assert len([c for c in claims if c is not None]) == 1
    assert await store.due(NOW + LEASE - timedelta(seconds=1)) == []
    assert await store.due(NOW + LEASE) == [("t1", "wamid.1")]
    taken_over = await store.claim("t1", "wamid.1", NOW + LEASE, NOW + 2 * LEASE)
    assert taken_over is not None
    assert taken_over.attempts == 2


async def test_an_answered_message_is_never_claimed_again(backend: Backend) -> None:
    store = store_on(backend)
    await store.accept("t1", [hello()], [], NOW)
    assert await store.claim("t1", "wamid.1", NOW, NOW + LEASE) is not None
    await store.finish("t1", "wamid.1", InboxState.ANSWERED, [("wamid.out1", "15551234567")], NOW)
    assert await store.claim("t1", "wamid.1", NOW + 2 * LEASE, NOW + 3 * LEASE) is None
    assert await store.due(NOW + 2 * LEASE) == []
    [entry] = await store.entries("t1")
    assert entry.state is InboxState.ANSWERED
    [out] = await store.outbound("t1")
    assert (out.id, out.inbound_id, out.recipient, out.state) == ("wamid.out1", "wamid.1", "15551234567", "accepted")


async def test_a_message_left_for_later_is_due_at_that_time(backend: Backend) -> None:
    store = store_on(backend)
    await store.accept("t1", [hello()], [], NOW)
    await store.claim("t1", "wamid.1", NOW, NOW + LEASE)
    await store.retry_later("t1", "wamid.1", NOW + timedelta(seconds=30), "whatsapp_rate_limited", "slow down")
    assert await store.due(NOW + timedelta(seconds=29)) == []
    assert await store.due(NOW + timedelta(seconds=30)) == [("t1", "wamid.1")]
    [entry] = await store.entries("t1")
    assert (entry.state, entry.error_code) == (InboxState.PENDING, "whatsapp_rate_limited")


async def test_statuses_move_forward_only_and_may_come_before_the_send_is_recorded(backend: Backend) -> None:
    store = store_on(backend)
    later = NOW + timedelta(seconds=1)
    await store.accept("t1", [], [DeliveryStatus("wamid.out1", DeliveryState.READ)], NOW)
    await store.accept("t1", [], [DeliveryStatus("wamid.out1", DeliveryState.DELIVERED)], later)
    await store.accept("t1", [hello()], [], later)
    await store.finish("t1", "wamid.1", InboxState.ANSWERED, [("wamid.out1", "15551234567")], later)
    [out] = await store.outbound("t1")
    assert (out.state, out.inbound_id, out.recipient) == ("read", "wamid.1", "15551234567")
    failed = DeliveryStatus("wamid.out1", DeliveryState.FAILED, "131047", "Re-engagement message")
    await store.accept("t1", [], [failed], later)
    [out] = await store.outbound("t1")
    assert (out.state, out.error_code) == ("failed", "131047")


async def test_an_answer_kept_before_sending_comes_back_with_the_next_claim(backend: Backend) -> None:
    store = store_on(backend)
    await store.accept("t1", [hello()], [], NOW)
    first = await store.claim("t1", "wamid.1", NOW, NOW + LEASE)
    assert first is not None
    assert first.answer is None
    await store.save_answer("t1", "wamid.1", {"text": "Bonjour", "buttons": []})
    again = await store.claim("t1", "wamid.1", NOW + LEASE, NOW + 2 * LEASE)
    assert again is not None
    assert again.answer == {"text": "Bonjour", "buttons": []}


async def test_the_backlog_counts_messages_not_answered_yet_and_the_oldest(backend: Backend) -> None:
    store = store_on(backend)
    assert await store.backlog() == InboxBacklog(0, None)
    await store.accept("t1", [hello("wamid.1")], [], NOW)
    await store.accept("t2", [hello("wamid.2")], [], NOW + timedelta(minutes=1))
    assert await store.backlog() == InboxBacklog(2, NOW)
    await store.finish("t1", "wamid.1", InboxState.ANSWERED, [], NOW + timedelta(minutes=2))
    assert await store.backlog() == InboxBacklog(1, NOW + timedelta(minutes=1))
