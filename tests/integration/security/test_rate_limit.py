"""The sliding-window limiter: what it allows, how long it asks to wait, and that it holds under threads."""

from __future__ import annotations

import asyncio
import threading

from promptsaas.adapters.security.rate_limit import SlidingWindowRateLimiter


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_attempts_within_the_limit_pass_and_the_next_waits_for_the_oldest_to_leave() -> None:
    ticker = Ticker()
    limiter = SlidingWindowRateLimiter(now=ticker)

    results = []
    for _ in range(3):
        results.append(await limiter.hit("login:ip:1.2.3.4", 3, 60))
        ticker.now += 10

    assert results == [None, None, None]
    assert await limiter.hit("login:ip:1.2.3.4", 3, 60) == 30
    ticker.now = 1060.0
    assert await limiter.hit("login:ip:1.2.3.4", 3, 60) is None
    assert await limiter.hit("login:ip:1.2.3.4", 3, 60) == 10


async def test_a_refused_attempt_does_not_extend_the_wait() -> None:
    ticker = Ticker()
    limiter = SlidingWindowRateLimiter(now=ticker)
    await limiter.hit("k", 1, 60)

    for _ in range(5):
        ticker.now += 10
        await limiter.hit("k", 1, 60)

    ticker.now = 1060.0
    assert await limiter.hit("k", 1, 60) is None


async def test_keys_are_counted_apart() -> None:
    limiter = SlidingWindowRateLimiter(now=Ticker())

    assert await limiter.hit("login:ip:1.2.3.4", 1, 60) is None
    assert await limiter.hit("login:ip:5.6.7.8", 1, 60) is None
    assert await limiter.hit("login:ip:1.2.3.4", 1, 60) == 60


async def test_a_zero_limit_refuses_everything() -> None:
    assert await SlidingWindowRateLimiter(now=Ticker()).hit("k", 0, 30) == 30


async def test_concurrent_tasks_and_threads_never_pass_more_than_the_limit() -> None:
    limiter = SlidingWindowRateLimiter()
    passed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            ok = asyncio.run(limiter.hit("shared", 100, 3600)) is None
            with lock:
                passed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    tasks = await asyncio.gather(*(limiter.hit("shared", 100, 3600) for _ in range(50)))
    for thread in threads:
        thread.join()

    assert sum(passed) + sum(t is None for t in tasks) == 100


async def test_idle_keys_are_forgotten() -> None:
    ticker = Ticker()
    limiter = SlidingWindowRateLimiter(now=ticker)
    for n in range(1000):
        await limiter.hit(f"old:{n}", 5, 60)
    ticker.now += 61

    for n in range(100):
        await limiter.hit(f"new:{n}", 5, 60)

    assert len(limiter._hits) <= 100
