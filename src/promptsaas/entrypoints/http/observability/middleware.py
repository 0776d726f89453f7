"""One ASGI layer for every request: the request id (bound to every log line, echoed in `X-Request-ID`), one
access line when the response ends, and the request's series (duration, status). Agent calls are counted by the
application (`application.call_metering`), on every channel."""

from __future__ import annotations

import os
import time
from typing import Any

from promptsaas.adapters.observability.logs import bind_contextvars, logger, unbind_contextvars
from promptsaas.adapters.observability.metrics import series
from promptsaas.entrypoints.http.caller import Identity
from promptsaas.entrypoints.http.observability.request_id import HEADER, current, request_id_from

HEADER_BYTES = HEADER.encode()
UNMATCHED = "unmatched"
log = logger("promptsaas.access")
WORKER = os.getpid()
"""The serving process, in each access line: under `--workers N` it tells the workers apart."""


class ObservabilityMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app
        metrics = series()
        self._requests = metrics.requests
        self._seconds = metrics.request_seconds

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(_header(scope, HEADER_BYTES))
        token = current.set(request_id)
        bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER_BYTES, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._finish(scope, status, time.perf_counter() - started)
            unbind_contextvars("request_id")
            current.reset(token)

    def _finish(self, scope: Any, status: int, seconds: float) -> None:
        route = scope.get("path_template") or UNMATCHED
        method = scope["method"]
        state = scope.get("state") or {}
        identity = state.get("identity")
        tenant, user, channel = state.get("tenant"), None, None
        if isinstance(identity, Identity):
            tenant, user = identity.user.tenant_id, identity.user.id
            channel = "api" if identity.by_api_key else (_header(scope, b"x-channel") or b"web").decode("latin-1")
        self._requests.labels(method, route, str(status)).inc()
        self._seconds.labels(method, route).observe(seconds)
        client = scope.get("client")
        log.info(
            f"{method} {route} {status}",
            method=method,
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 2),
            tenant=tenant,
            user=user,
            channel=channel,
            client=client[0] if client else None,
            worker=WORKER,
        )


def _header(scope: Any, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value  # type: ignore[no-any-return]
    return None
