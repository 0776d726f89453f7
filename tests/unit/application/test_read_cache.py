"""The read cache loads an entry once however many requests miss it together, and never keeps a load that an
invalidation overtook."""

from __future__ import annotations

import asyncio

import pytest

from promptsaas.application.read_cache import ReadCache


class SlowSource:
    """A load that waits to be released, counting how often it ran."""

    def __init__(self) -> None:
        self.loads = 0
        self.release = asyncio.Event()

    async def load(self) -> int:
        self.loads += 1
        number = self.loads
        await self.release.wait()
        return number


async def test_requests_that_miss_together_share_one_load() -> None:
    cache, source = ReadCache(ttl_seconds=60), SlowSource()
    waiting = [asyncio.create_task(cache.get("t1", "plans", source.load)) for _ in range(20)]
    await asyncio.sleep(0)
    source.release.set()
    assert await asyncio.gather(*waiting) == [1] * 20
    assert await cache.get("t1", "plans", source.load) == 1
    assert source.loads == 1


async def test_a_request_after_an_invalidation_does_not_join_the_load_it_overtook() -> None:
    cache, source = ReadCache(ttl_seconds=60), SlowSource()
    before = asyncio.create_task(cache.get("t1", "plans", source.load))
    await asyncio.sleep(0)
    cache.invalidate("t1")
    after = asyncio.create_task(cache.get("t1", "plans", source.load))
    await asyncio.sleep(0)
    source.release.set()
    assert (await before, await after) == (1, 2)
    assert await cache.get("t1", "plans", source.load) == 2  # the overtaken load was not kept
    assert source.loads == 2


async def test_a_caller_that_leaves_does_not_cancel_the_load_for_the_others() -> None:
    cache, source = ReadCache(ttl_seconds=60), SlowSource()
    leaving = asyncio.create_task(cache.get("t1", "plans", source.load))
    staying = asyncio.create_task(cache.get("t1", "plans", source.load))
    await asyncio.sleep(0)
    leaving.cancel()
    source.release.set()
    assert await staying == 1
    with pytest.raises(asyncio.CancelledError):
        await leaving


async def test_a_failed_load_fails_its_callers_and_is_not_kept() -> None:
    cache, calls = ReadCache(ttl_seconds=60), []

    async def broken() -> int:
        calls.append(1)
        await asyncio.sleep(0)
        raise RuntimeError("database gone")

    results = await asyncio.gather(*(cache.get("t1", "plans", broken) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert len(calls) == 1
    with pytest.raises(RuntimeError):
        await cache.get("t1", "plans", broken)
    assert len(calls) == 2
