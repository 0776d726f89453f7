"""The messenger update inbox on every backend: stored once, claimed by one, replayable after a failure or once a
dead process's claim ran out, given up on after too many failures, and done for good once applied."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from promptsaas.domain.messengers import MessengerUpdate
from tests.integration.persistence.conftest import Backend

NOW = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
MAX = 3


async def _accept(backend: Backend, external_id: str = "1001") -> bool:
    async with backend.uow() as uow:
        new = await uow.updates.accept(MessengerUpdate("t1", "telegram", external_id, "{}", NOW))
        await uow.commit()
    return new


async def _claim(backend: Backend, at: datetime = NOW) -> bool:
    async with backend.uow() as uow:
        held = await uow.updates.claim("t1", "telegram", "1001", at, at + LEASE, MAX)
        await uow.commit()
    return held


async def _pending(backend: Backend, at: datetime = NOW) -> list[str]:
    async with backend.uow() as uow:
        return [u.external_id for u in await uow.updates.pending("t1", "telegram", at, MAX)]


async def test_of_concurrent_claims_one_wins_until_its_claim_runs_out(backend: Backend) -> None:
    assert [await _accept(backend) for _ in range(3)] == [True, False, False]

    claims = await asyncio.gather(*[_claim(backend) for _ in range(5)])

    assert claims.count(True) == 1
    assert await _pending(backend, NOW + LEASE - timedelta(seconds=1)) == []
    assert await _pending(backend, NOW + LEASE) == ["1001"]
    assert await _claim(backend, NOW + LEASE)


async def test_a_released_claim_is_pending_at_once_and_a_done_update_never_again(backend: Backend) -> None:
    await _accept(backend)
    assert await _claim(backend)
    async with backend.uow() as uow:
        await uow.updates.release("t1", "telegram", "1001")
        await uow.commit()
    assert await _pending(backend) == ["1001"]

    assert await _claim(backend)
    async with backend.uow() as uow:
        assert await uow.updates.mark_processed("t1", "telegram", "1001", NOW)
        assert not await uow.updates.mark_processed("t1", "telegram", "1001", NOW)
        await uow.commit()

    assert await _pending(backend, NOW + LEASE * 2) == []
    assert not await _claim(backend, NOW + LEASE * 2)


async def test_an_update_that_keeps_failing_is_given_up_on(backend: Backend) -> None:
    await _accept(backend)
    for _ in range(MAX):
        assert await _claim(backend)
        async with backend.uow() as uow:
            await uow.updates.release("t1", "telegram", "1001")
            await uow.commit()

    assert not await _claim(backend)
    assert await _pending(backend) == []


async def test_an_update_is_accepted_once_and_another_one_too(backend: Backend) -> None:
    first, again, other = await _accept(backend), await _accept(backend), await _accept(backend, "1002")

    assert (first, again, other) == (True, False, True)
    assert await _pending(backend) == ["1001", "1002"]
