"""The quota ledger: all-or-nothing holds, settlements (charge or release, record, turn), sweeps, and counters that
reconcile with records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from promptsaas.application.ports.quota import Settlement
from promptsaas.domain.conversations import Exchange
from promptsaas.domain.plans import Metric
from promptsaas.domain.quota import Counter
from promptsaas.domain.usage import Outcome
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import NOON, conversation, key, message, reservation, usage

REQUESTS = key()
TOKENS = key(metric=Metric.TOKENS)


async def test_a_hold_passes_only_within_the_limit(backend: Backend) -> None:
    ledger = backend.ledger
    assert await ledger.reserve(reservation("t1", "r1", (REQUESTS, 2, 3))) == {REQUESTS: Counter(0, 0)}
    assert await ledger.reserve(reservation("t1", "r2", (REQUESTS, 2, 3))) is None
    assert await ledger.reserve(reservation("t1", "r3", (REQUESTS, 1, 3))) == {REQUESTS: Counter(0, 2)}
    assert await ledger.read("t1", [REQUESTS, TOKENS]) == {REQUESTS: Counter(0, 3)}
    assert await ledger.pending("t1") == 2


async def test_a_reservation_is_all_or_nothing(backend: Backend) -> None:
    ledger = backend.ledger
    assert not await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 10), (TOKENS, 500, 100)))
    assert await backend.counter("t1", REQUESTS) == Counter()
    assert await ledger.pending() == 0


async def test_a_reservation_whose_later_item_does_not_fit_keeps_no_hold_of_the_earlier_ones(backend: Backend) -> None:
    ledger = backend.ledger
    assert await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 10), (TOKENS, 50, 100)))
    # requests (first in key order) would fit, tokens would not: on PostgreSQL both holds are sent at once
    assert await ledger.reserve(reservation("t1", "r2", (REQUESTS, 1, 10), (TOKENS, 60, 100))) is None
    assert await ledger.read("t1", [REQUESTS, TOKENS]) == {REQUESTS: Counter(0, 1), TOKENS: Counter(0, 50)}
    assert await ledger.pending() == 1
    assert await ledger.reserve(reservation("t1", "r3", (REQUESTS, 1, 10), (TOKENS, 50, 100)))
    assert await ledger.read("t1", [REQUESTS, TOKENS]) == {REQUESTS: Counter(0, 2), TOKENS: Counter(0, 100)}


async def test_an_unlimited_item_is_counted_but_never_refused(backend: Backend) -> None:
    assert await backend.ledger.reserve(reservation("t1", "r1", (TOKENS, 10**9, None)))
    assert await backend.counter("t1", TOKENS) == Counter(0, 10**9)


async def test_settle_charges_the_real_amount_and_writes_the_record(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 5), (TOKENS, 400, 1000)))
    record = usage("t1", "u-1", charged_tokens=120)
    await ledger.settle(Settlement(record, "r1", {REQUESTS: 1, TOKENS: 120}))
    assert await ledger.read("t1", [REQUESTS, TOKENS]) == {REQUESTS: Counter(1, 0), TOKENS: Counter(120, 0)}
    assert await ledger.pending() == 0
    async with backend.uow() as uow:
        assert await uow.usage.records("t1") == [record]


async def test_settle_stores_the_conversation_turn_with_the_record(backend: Backend) -> None:
    ledger = backend.ledger
    chat = conversation("t1", "c1", "u1")
    first = (message("t1", "m1", "c1"), message("t1", "m2", "c1"))
    later = NOON + timedelta(minutes=5)
    second = (message("t1", "m3", "c1", at=later), message("t1", "m4", "c1", at=later))
    await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 5)))
    await ledger.settle(Settlement(usage("t1", "u-1"), "r1", {REQUESTS: 1}, Exchange(chat, True, first)))
    await ledger.settle(Settlement(usage("t1", "u-2"), exchange=Exchange(chat, False, second)))  # a BYOK call
    assert await backend.counter("t1", REQUESTS) == Counter(1, 0)
    async with backend.uow() as uow:
        stored = await uow.conversations.get("t1", "c1")
        assert stored is not None
        assert stored.updated_at == later
        assert [m.id for m in await uow.conversations.recent_messages("t1", "c1", 10)] == ["m1", "m2", "m3", "m4"]
        assert {r.id for r in await uow.usage.records("t1")} == {"u-1", "u-2"}


async def test_a_failed_call_releases_the_hold_and_keeps_the_error_record(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 5)))
    failed = usage("t1", "u-1", outcome=Outcome.ERROR, error_code="llm_timeout", charged_requests=0)
    retried = usage("t1", "u-2", outcome=Outcome.ERROR, error_code="llm_timeout", charged_requests=0)
    await ledger.settle(Settlement(failed, "r1"))
    await ledger.settle(Settlement(retried, "r1"))  # a second settlement finds nothing to undo
    assert await backend.counter("t1", REQUESTS) == Counter(0, 0)
    assert await ledger.pending() == 0
    async with backend.uow() as uow:
        assert await uow.usage.records("t1") == [failed, retried]


def test_a_failed_call_can_be_charged_nothing_and_adds_no_turn() -> None:
    failed = usage("t1", "u-1", outcome=Outcome.ERROR, error_code="llm_timeout")
    turn = Exchange(conversation("t1", "c1", "u1"), True, (message("t1", "m1", "c1"),))
    with pytest.raises(ValueError, match="charged nothing"):
        Settlement(failed, "r1", {REQUESTS: 1})
    with pytest.raises(ValueError, match="no conversation turn"):
        Settlement(failed, "r1", exchange=turn)


async def test_another_tenant_cannot_settle_a_reservation(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 5)))
    await ledger.settle(Settlement(usage("t2", "u-1", outcome=Outcome.ERROR, error_code="llm_timeout"), "r1"))
    await ledger.settle(Settlement(usage("t2", "u-2"), "r1", {REQUESTS: 1}))
    assert await ledger.pending("t1") == 1
    assert await backend.counter("t1", REQUESTS) == Counter(0, 1)


async def test_sweep_releases_only_expired_reservations(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.reserve(reservation("t1", "short", (REQUESTS, 1, 5), ttl=timedelta(seconds=1)))
    await ledger.reserve(reservation("t2", "long", (REQUESTS, 2, 5), ttl=timedelta(hours=1)))
    assert await ledger.sweep(NOON) == 0
    assert await ledger.sweep(NOON + timedelta(seconds=1)) == 1
    assert await backend.counter("t1", REQUESTS) == Counter(0, 0)
    assert await backend.counter("t2", REQUESTS) == Counter(0, 2)
    assert (await ledger.pending("t1"), await ledger.pending("t2")) == (0, 1)


async def test_a_settle_after_the_sweep_charges_nothing_twice(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 5), ttl=timedelta(seconds=1)))
    await ledger.sweep(NOON + timedelta(minutes=1))
    await ledger.settle(Settlement(usage("t1", "u-1"), "r1", {REQUESTS: 1}))
    assert await backend.counter("t1", REQUESTS) == Counter(0, 0)
    assert [d.expected_used for d in await backend.reconciler.reconcile("t1")] == [1]


async def test_counters_reconcile_with_records_and_reservations(backend: Backend) -> None:
    ledger = backend.ledger
    for n in range(3):
        await ledger.reserve(reservation("t1", f"r{n}", (REQUESTS, 1, 10), (TOKENS, 50, None)))
    await ledger.settle(Settlement(usage("t1", "u-0"), "r0", {REQUESTS: 1, TOKENS: 30}))
    await ledger.settle(Settlement(usage("t1", "u-1", outcome=Outcome.ERROR, error_code="llm_timeout"), "r1"))
    assert await backend.reconciler.reconcile() == []
    assert await ledger.read("t1", [REQUESTS, TOKENS]) == {REQUESTS: Counter(1, 1), TOKENS: Counter(30, 50)}


async def test_a_drifted_counter_is_reported_and_rebuilt(backend: Backend) -> None:
    ledger = backend.ledger
    await ledger.reserve(reservation("t1", "r1", (REQUESTS, 1, 10)))
    await ledger.settle(Settlement(usage("t1", "u-1"), "r1", {REQUESTS: 1}))
    await ledger.reserve(reservation("t1", "r2", (REQUESTS, 1, 10)))
    await ledger.reserve(reservation("t2", "r3", (REQUESTS, 1, 10)))
    await backend.tamper("t1", REQUESTS, used=7)
    await backend.tamper("t2", REQUESTS, used=4)
    [drift] = await backend.reconciler.reconcile("t1")
    assert (drift.tenant_id, drift.key, drift.used, drift.expected_used) == ("t1", REQUESTS, 7, 1)
    assert (drift.reserved, drift.expected_reserved) == (1, 1)
    assert len(await backend.reconciler.reconcile()) == 2
    assert await backend.reconciler.rebuild("t1") == 1
    assert await backend.counter("t1", REQUESTS) == Counter(1, 1)
    assert [d.tenant_id for d in await backend.reconciler.reconcile()] == ["t2"]
