"""The login/register rate limiter on every backend: in process (sliding window) and in the database (fixed window,
shared by every worker). What both promise: `limit` attempts pass, the next is told how long to wait, waiting that
long helps, and concurrent attempts never pass more than the limit.

The concurrency proof prints its figures (run with `pytest -s` to see them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.rate_limit import SqlRateLimiter
from promptsaas.adapters.security.rate_limit import SlidingWindowRateLimiter
from promptsaas.application.ports.rate_limit import RateLimiter
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.platforms import FixedClock

WINDOW = 60
EMAIL_KEY = "login:email:t1:cat@example.com"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def limiter_on(backend: Backend, clock: FixedClock, database: Database | None = None) -> RateLimiter:
    if backend.database is None:
        return SlidingWindowRateLimiter(now=lambda: clock.at.timestamp())
    return SqlRateLimiter(database or backend.database, clock)


@pytest.fixture
def limiter(backend: Backend, clock: FixedClock) -> RateLimiter:
    return limiter_on(backend, clock)


@pytest.fixture
async def workers(backend: Backend, clock: FixedClock) -> AsyncIterator[list[RateLimiter]]:
    """Two server processes' limiters: on SQL, each on its own engine over the same database."""
    if backend.database is None:
        shared = limiter_on(backend, clock)
        yield [shared, shared]
        return
    other = Database(backend.database.url.render_as_string(hide_password=False))
    yield [limiter_on(backend, clock), limiter_on(backend, clock, other)]
    await other.dispose()


def wait(clock: FixedClock, seconds: float) -> None:
    clock.at += timedelta(seconds=seconds)


async def test_attempts_within_the_limit_pass_and_the_next_is_told_when_to_come_back(
    limiter: RateLimiter, clock: FixedClock
) -> None:
    results = []
    for _ in range(3):
        results.append(await limiter.hit(EMAIL_KEY, 3, WINDOW))
        wait(clock, 10)

    assert results == [None, None, None]
    assert await limiter.hit(EMAIL_KEY, 3, WINDOW) == 30
    wait(clock, 29)
    assert await limiter.hit(EMAIL_KEY, 3, WINDOW) == 1
    wait(clock, 1)
    assert await limiter.hit(EMAIL_KEY, 3, WINDOW) is None


async def test_refused_attempts_do_not_extend_the_wait(limiter: RateLimiter, clock: FixedClock) -> None:
    await limiter.hit(EMAIL_KEY, 1, WINDOW)
    waits = []
    for _ in range(5):
        wait(clock, 10)
        waits.append(await limiter.hit(EMAIL_KEY, 1, WINDOW))

    assert waits == [50, 40, 30, 20, 10]
    wait(clock, 10)
    assert await limiter.hit(EMAIL_KEY, 1, WINDOW) is None


async def test_each_ip_and_email_is_counted_apart(limiter: RateLimiter) -> None:
    assert await limiter.hit("login:ip:198.51.100.1", 1, WINDOW) is None
    assert await limiter.hit("login:ip:198.51.100.2", 1, WINDOW) is None
    assert await limiter.hit("login:ip:198.51.100.1", 1, WINDOW) == WINDOW
    assert await limiter.hit(EMAIL_KEY, 1, WINDOW) is None


async def test_a_zero_limit_refuses_every_attempt(limiter: RateLimiter) -> None:
    assert await limiter.hit(EMAIL_KEY, 0, 30) == 30
    assert await limiter.hit(EMAIL_KEY, 0, 30) == 30


async def test_an_absurdly_long_email_is_limited_like_any_other(limiter: RateLimiter) -> None:
    key = f"login:email:t1:{'x' * 20_000}@example.com"
    assert await limiter.hit(key, 1, WINDOW) is None
    assert await limiter.hit(key, 1, WINDOW) == WINDOW


async def test_concurrent_attempts_on_two_workers_pass_exactly_the_limit(
    backend: Backend, workers: list[RateLimiter]
) -> None:
    waits = await asyncio.gather(*(workers[n % 2].hit(EMAIL_KEY, 10, WINDOW) for n in range(50)))
    passed = sum(w is None for w in waits)
    print(f"\n[{backend.name}] 50 concurrent login attempts on 2 workers, limit 10: {passed} passed")
    assert passed == 10
    assert all(w == WINDOW for w in waits if w is not None)


async def test_ended_windows_are_deleted_and_their_clients_start_afresh(sql: Backend, clock: FixedClock) -> None:
    assert sql.database is not None
    limiter = SqlRateLimiter(sql.database, clock, purge_every=7)
    for n in range(6):
        assert await limiter.hit(f"login:ip:198.51.100.{n}", 1, WINDOW) is None
    wait(clock, WINDOW)

    assert await limiter.hit("login:ip:198.51.100.0", 1, WINDOW) is None  # the 7th attempt purges the ended windows
    async with sql.database.connect() as conn:
        rows = (await conn.execute(tables.rate_limit_windows.select())).all()
    assert len(rows) == 1
    assert "198.51.100" not in str(rows)  # clients are stored as digests, not as their IPs and emails
