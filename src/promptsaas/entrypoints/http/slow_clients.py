"""Slow clients cannot hold the server: a request whose headers do not arrive within
`PROMPTSAAS_HEADER_TIMEOUT_SECONDS` (default 10), or whose body stalls for `PROMPTSAAS_BODY_TIMEOUT_SECONDS`
(default 30) between chunks, is answered 408 and its connection closed; a request head (request line and headers)
past 16 KiB is answered 431 and closed (httptools itself buffers a head of any size).

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


MAX_HEAD_BYTES = 16 * 1024
_HEAD_BODY = b'{"type":"https://promptsaas.dev/problems/request_header_too_large","title":"Request head too large",'
_HEAD_BODY += b'"status":431,"detail":"the request line and headers are over 16 KiB","code":"request_header_too_large"}'
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/problem+json\r\n"
    + f"connection: close\r\ncontent-length: {len(_HEAD_BODY)}\r\n\r\n".encode()
    + _HEAD_BODY
)


def seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


class HeaderDeadline:
    """Mixed into a uvicorn protocol: between requests, the next one's headers must arrive in time, and within
    `MAX_HEAD_BYTES` (the bytes received while a head is incomplete are counted; a body's are not)."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any
    _in_head = True
    _head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            room = MAX_HEAD_BYTES - self._head_bytes
            if len(data) > room:
                self._parse_up_to_the_limit(data, room)
                return
            self._head_bytes += len(data)
        super().data_received(data)  # type: ignore[misc]

    def _parse_up_to_the_limit(self, data: bytes, room: int) -> None:
        """The head may pass the limit inside `data` (one write can hold a whole head, or a head and its body): parse
        `room` bytes, refuse if the head is still open, else parse the rest as usual."""
        self._head_bytes = MAX_HEAD_BYTES
        super().data_received(data[:room])  # type: ignore[misc]
        if self.transport.is_closing():
            return
        if self._head_bytes == MAX_HEAD_BYTES:  # `on_headers_complete` did not reset it: the head goes on
            self.transport.write(HEAD_TOO_LARGE)
            self.transport.close()
            return
        self.data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()  # type: ignore[misc]

    def on_message_complete(self) -> None:
        super().on_message_complete()  # type: ignore[misc]
        self._in_head = True

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
            try:  # a timeout scope, not `wait_for`: on Python 3.11 that wraps every receive in a task of its own
                async with asyncio.timeout(self.timeout):
                    return await receive()
            except TimeoutError:
                raise BodyTooSlow("the request body did not arrive in time") from None

        await self.app(scope, timed_receive, send)
