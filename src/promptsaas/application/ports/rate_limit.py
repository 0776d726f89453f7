"""Counting attempts per key (an IP, an email) within a time window."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol


class RateLimiter(Protocol):
    @abstractmethod
    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one attempt: None when it is within `limit` per window, else the seconds until one is allowed.

        A refused attempt is not counted, so waiting `retry_after` seconds always helps.
        """

    @abstractmethod
    async def blocked(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Without counting: None when `key` may still make an attempt in this window, else the seconds to wait."""
