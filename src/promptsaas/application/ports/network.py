"""Name resolution, as a port: the core decides which addresses an image URL may point at, an adapter asks DNS."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol


class HostResolver(Protocol):
    @abstractmethod
    async def addresses(self, host: str) -> tuple[str, ...]:
        """Every IP address `host` resolves to, as text; empty when the name does not resolve (in time)."""
