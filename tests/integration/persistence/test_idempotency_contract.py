"""Idempotency keys on every backend: one claim wins, retries get the first answer, and on SQL every worker agrees.

The concurrency proofs print their figures (run with `pytest -s` to see them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from promptsaas.adapters.persistence.memory.idempotency import MemoryIdempotencyStore
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.idempotency import SqlIdempotencyStore
from promptsaas.application.ports.idempotency import Claim, IdempotencyStore
from tests.integration.persistence.conftest import Backend

NOW = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
RUNNING = timedelta(minutes=10)
KEPT = timedelta(hours=24)
ANSWER: dict[str, Any] = {
    "text": "Bonjour, ça va ?",
    "conversation_id": "c-1",
    "usage": [12, 7, 31, "plan"],
    "limits": [["requests", "day", 5, 1, 4, "2030-03-15T00:00:00+00:00"]],
    "model": "offline:echo",
    "prompt_version": 2,
}


Store = MemoryIdempotencyStore | SqlIdempotencyStore


def store_on(backend: Backend, purge_every: int = 100) -> Store:
    if backend.database is None:
        return MemoryIdempotencyStore(purge_every)
    return SqlIdempotencyStore(backend.database, purge_every)


@pytest.fixture
def store(backend: Backend) -> Store:
    return store_on(backend)


@pytest.fixture
async def workers(backend: Backend) -> AsyncIterator[list[IdempotencyStore]]:
    """Two server processes' stores: on SQL, each on its own engine over the same database."""
    if backend.database is None:
        shared = MemoryIdempotencyStore()
        yield [shared, shared]
        return
    other = Database(backend.database.url.render_as_string(hide_password=False))
    yield [SqlIdempotencyStore(backend.database), SqlIdempotencyStore(other)]
    await other.dispose()


async def claim(
    store: IdempotencyStore, fingerprint: str = "fp-1", *, at: datetime = NOW, tenant: str = "t1", scope: str = "u1:k"
) -> Claim:
    return await store.claim(tenant, scope, fingerprint, at, at + RUNNING)


async def test_the_first_request_runs_and_a_retry_while_it_runs_is_told_to_wait(store: IdempotencyStore) -> None:
    assert await claim(store) == Claim(True, "fp-1")
    assert await claim(store, at=NOW + timedelta(minutes=1)) == Claim(False, "fp-1", None)


async def test_a_retry_after_completion_gets_the_first_answer(store: IdempotencyStore) -> None:
    await claim(store)
    await store.complete("t1", "u1:k", ANSWER, NOW + KEPT)
    assert await claim(store, at=NOW + timedelta(hours=23)) == Claim(False, "fp-1", ANSWER)


async def test_a_different_request_with_the_same_key_is_shown_the_first_ones_fingerprint(
    store: IdempotencyStore,
) -> None:
    await claim(store, "fp-1")
    await store.complete("t1", "u1:k", ANSWER, NOW + KEPT)
    assert (await claim(store, "fp-2")).fingerprint == "fp-1"


async def test_a_released_claim_lets_the_retry_run(store: IdempotencyStore) -> None:
    await claim(store)
    await store.release("t1", "u1:k")
    assert await claim(store, "fp-2") == Claim(True, "fp-2")


async def test_a_claim_whose_process_died_is_taken_over_once_it_expires(store: IdempotencyStore) -> None:
    await claim(store, "fp-1")
    assert await claim(store, "fp-2", at=NOW + RUNNING - timedelta(seconds=1)) == Claim(False, "fp-1", None)
    assert await claim(store, "fp-2", at=NOW + RUNNING) == Claim(True, "fp-2")
    assert await claim(store, "fp-3", at=NOW + RUNNING) == Claim(False, "fp-2", None)


async def test_an_answer_is_replayed_for_a_day_then_the_key_is_free_again(store: IdempotencyStore) -> None:
    await claim(store)
    await store.complete("t1", "u1:k", ANSWER, NOW + KEPT)
    assert (await claim(store, at=NOW + KEPT - timedelta(seconds=1))).response == ANSWER
    assert await claim(store, "fp-2", at=NOW + KEPT) == Claim(True, "fp-2")


async def test_keys_are_apart_per_tenant_and_per_user(store: IdempotencyStore) -> None:
    await claim(store)
    await store.complete("t1", "u1:k", ANSWER, NOW + KEPT)
    assert (await claim(store, tenant="t2")).claimed
    assert (await claim(store, scope="u2:k")).claimed
    assert (await claim(store)).response == ANSWER


async def test_a_very_long_key_is_held_like_any_other(store: IdempotencyStore) -> None:
    scope = "u1:" + "k" * 5000
    assert (await claim(store, scope=scope)).claimed
    await store.complete("t1", scope, ANSWER, NOW + KEPT)
    assert (await claim(store, scope=scope)).response == ANSWER
    assert (await claim(store, scope=scope[:-1])).claimed


async def test_purging_forgets_expired_entries_and_keeps_answers_still_replayed(store: Store) -> None:
    await claim(store, scope="u1:answered")
    await store.complete("t1", "u1:answered", ANSWER, NOW + KEPT)
    await claim(store, scope="u1:abandoned")
    assert await store.purge(NOW + timedelta(hours=1)) == 1
    assert (await claim(store, scope="u1:answered", at=NOW + timedelta(hours=1))).response == ANSWER
    assert await store.purge(NOW + KEPT) == 1
    assert (await claim(store, scope="u1:answered", at=NOW + KEPT)).claimed


async def test_claims_purge_expired_entries_as_they_go(backend: Backend) -> None:
    store = store_on(backend, purge_every=2)
    for n in range(3):
        await claim(store, scope=f"u1:old-{n}")
    later = NOW + KEPT
    await claim(store, scope="u1:new-1", at=later)  # the 4th claim purges
    assert await store.purge(later) == 0
    assert (await claim(store, scope="u1:old-0", at=later)).claimed


async def test_50_concurrent_claims_of_one_key_on_two_workers_let_exactly_one_run(
    backend: Backend, workers: list[IdempotencyStore]
) -> None:
    claims = await asyncio.gather(*(claim(workers[n % 2], f"fp-{n}") for n in range(50)))
    winners = [c.fingerprint for c in claims if c.claimed]
    print(f"\n[{backend.name}] 50 concurrent claims on 2 workers: {len(winners)} ran, {50 - len(winners)} told to wait")
    assert len(winners) == 1
    assert {c.fingerprint for c in claims if not c.claimed} == set(winners)


async def test_50_concurrent_takeovers_of_an_expired_claim_let_exactly_one_run(
    backend: Backend, workers: list[IdempotencyStore]
) -> None:
    await claim(workers[0], "fp-dead")
    later = NOW + RUNNING
    claims = await asyncio.gather(*(claim(workers[n % 2], f"fp-{n}", at=later) for n in range(50)))
    winners = [c.fingerprint for c in claims if c.claimed]
    print(f"\n[{backend.name}] 50 concurrent takeovers on 2 workers: {len(winners)} ran")
    assert len(winners) == 1
    assert {c.fingerprint for c in claims if not c.claimed} == set(winners)


async def test_an_answer_completed_on_one_worker_is_replayed_by_the_other(workers: list[IdempotencyStore]) -> None:
    first, second = workers
    await claim(first)
    await first.complete("t1", "u1:k", ANSWER, NOW + KEPT)
    assert await claim(second, at=NOW + timedelta(seconds=5)) == Claim(False, "fp-1", ANSWER)


async def test_releasing_an_answered_key_keeps_its_answer(store: IdempotencyStore) -> None:
    """A failure after the settlement stored the reply (say, while sending it) must not let a retry run again."""
    await claim(store)
    await store.complete("t1", "u1:k", ANSWER, NOW + KEPT)
    await store.release("t1", "u1:k")
    assert await claim(store, at=NOW + timedelta(minutes=1)) == Claim(False, "fp-1", ANSWER)


async def test_held_names_the_keys_still_held_by_a_running_request_or_a_kept_answer(store: IdempotencyStore) -> None:
    await claim(store, scope="running")
    await claim(store, scope="answered")
    await store.complete("t1", "answered", ANSWER, NOW + KEPT)
    await claim(store, scope="failed")
    await store.release("t1", "failed")
    await claim(store, scope="other tenant's", tenant="t2")
    scopes = ["running", "answered", "failed", "never claimed", "other tenant's"]
    assert await store.held("t1", scopes, NOW + timedelta(minutes=1)) == {"running", "answered"}
    assert await store.held("t1", scopes, NOW + RUNNING) == {"answered"}  # the running claim has lapsed
    assert await store.held("t1", scopes, NOW + KEPT) == set()
    assert await store.held("t1", [], NOW) == set()
