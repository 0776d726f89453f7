"""An in-process sliding-window rate limiter, for the in-memory platform (SQL databases share
`adapters.persistence.sqlalchemy.rate_limit.SqlRateLimiter` between processes instead).

Each key keeps the times of its accepted attempts within the window, at most `limit` of them. Everything happens
under one lock and without awaiting, so it is safe from threads and from concurrent tasks alike.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from promptsaas.application.ports.rate_limit import RateLimiter

SWEEP_EVERY = 1024


class SlidingWindowRateLimiter(RateLimiter):
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._hits: dict[str, deque[float]] = {}
        self._windows: dict[str, int] = {}
        self._lock = threading.Lock()
        self._calls = 0

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        with self._lock:
            now = self._now()
            self._calls += 1
            if self._calls % SWEEP_EVERY == 0:
                self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            self._windows[key] = window_seconds
            while hits and hits[0] <= now - window_seconds:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil(hits[0] + window_seconds - now)) if hits else max(1, window_seconds)
            hits.append(now)
            return None

    async def blocked(self, key: str, limit: int, window_seconds: int) -> int | None:
        with self._lock:
            now = self._now()
            hits = [at for at in self._hits.get(key, ()) if at > now - window_seconds]
            if len(hits) < limit:
                return None
            return max(1, math.ceil(hits[0] + window_seconds - now)) if hits else max(1, window_seconds)

    def _sweep(self, now: float) -> None:
        """Forget keys whose attempts all left their window, so memory follows active clients only."""
        stale = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self._windows[k]]
        for key in stale:
            del self._hits[key]
            del self._windows[key]
