"""The system's resolver (`getaddrinfo`, so /etc/hosts and every numeric form the C library accepts count too)."""

from __future__ import annotations

import asyncio
import socket

from promptsaas.application.ports.network import HostResolver

RESOLVE_SECONDS = 3.0


class SystemResolver(HostResolver):
    def __init__(self, timeout_seconds: float = RESOLVE_SECONDS) -> None:
        self._timeout = timeout_seconds

    async def addresses(self, host: str) -> tuple[str, ...]:
        """A name that fails or takes longer than the timeout resolves to nothing, which refuses its URL."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._timeout):
                found = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, TimeoutError, UnicodeError):
            return ()
        return tuple(dict.fromkeys(str(info[4][0]) for info in found))
