"""Slow clients cannot hold the server: a request whose headers do not arrive within
`PROMPTSAAS_HEADER_TIMEOUT_SECONDS` (default 10), or whose body stalls for `PROMPTSAAS_BODY_TIMEOUT_SECONDS`
(default 30) between chunks, is answered 408 and its connection closed.

The header deadline is uvicorn's httptools protocol with one timer per request; the body deadline is an ASGI
wrapper of `receive`. The connection cap is uvicorn's `limit_concurrency` (`promptsaas serve --max-connections`).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = "PROMPTSAAS_HEADER_TIMEOUT_SECONDS"
_BODY = b'{"type":"https://promptsaas.dev/problems/request_timeout","title":"Request timeout","status":408,'
_BODY += b'"detail":"the request did not arrive in time","code":"request_timeout"}'
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\n"
    + f"content-length: {len(_BODY)}\r\n\r\n".encode()
    + _BODY
)


def seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


class HeaderDeadline:
    """Mixed into a uvicorn protocol: between requests, the next one's headers must arrive in time."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any

    def _arm(self) -> None:
        armed_for = self.cycle
        self._header_timer = self.loop.call_later(seconds(HEADER_TIMEOUT, 10.0), self._headers_late, armed_for)

    def _headers_late(self, armed_for: Any) -> None:
        if self.cycle is armed_for and not self.transport.is_closing():  # no new request's headers since
            self.transport.write(REQUEST_TIMEOUT)
            self.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._header_timer.cancel()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._header_timer.cancel()
        super().connection_lost(exc)  # type: ignore[misc]


class HttpToolsWithDeadline(HeaderDeadline, HttpToolsProtocol):
    """uvicorn's httptools protocol (httptools is a dependency) with the header deadline. A module-level class, so
    `--workers` and `--reload` can pass it to their child processes."""


def protocol() -> type[asyncio.Protocol]:
    """The protocol `serve` runs: httptools with the header deadline."""
    return HttpToolsWithDeadline


class BodyTooSlow(Exception):
    """The client stopped sending its body: a 408 `request_timeout` problem (see `problems`)."""


class BodyDeadline:
    """ASGI middleware: each chunk of a request body must arrive within the body timeout."""

    def __init__(self, app: Any, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def timed_receive() -> Any:
            try:
                return await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                raise BodyTooSlow("the request body did not arrive in time") from None

        await self.app(scope, timed_receive, send)
