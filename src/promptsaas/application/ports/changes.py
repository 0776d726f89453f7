"""Changes made by other processes: every change to cached tenant data leaves an audit entry, and a feed reports
the tenants of new entries so each process drops its copies at once instead of waiting for the cache's ttl."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Protocol


class ChangeFeed(Protocol):
    @abstractmethod
    async def follow(self, changed: Callable[[str], None]) -> None:
        """Call `changed(tenant_id)` for every change committed from now on, by any process; runs until cancelled."""
