"""`/metrics`: the Prometheus scrape, for the metrics token or the configured addresses only."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from litestar import Controller, Request, Response, get

from promptsaas.adapters.observability.logs import logger
from promptsaas.adapters.observability.metrics import exposition
from promptsaas.entrypoints.http.caller import container_of
from promptsaas.entrypoints.http.problems import problem

log = logger("promptsaas.metrics")


def may_scrape(request: Request[Any, Any, Any]) -> bool:
    """The bearer metrics token (compared in constant time), or a client address the operator allowed."""
    operations = container_of(request).settings().operations
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if operations.metrics_token and scheme.lower() == "bearer":
        return hmac.compare_digest(token.strip().encode(), operations.metrics_token.encode())
    allowed = operations.metrics_allow_ips
    if "*" in allowed:
        return True
    try:
        client = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(item, strict=False) for item in allowed)


class MetricsController(Controller):
    @get("/metrics", include_in_schema=False)
    async def metrics(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The Prometheus text exposition; 403 `forbidden` without the token from an address not allowed. The webhook
        inboxes' backlogs are measured for each scrape."""
        if not may_scrape(request):
            return problem(403, "forbidden", "the metrics need PROMPTSAAS_METRICS_TOKEN or an allowed address")
        container = container_of(request)
        if container.settings().operations.metrics:
            try:
                await container.inbox_backlogs().show()
            except Exception as error:  # a scrape still answers when the database does not
                log.warning("inbox backlogs not measured", error=type(error).__name__)
        body, content_type = exposition()
        media_type, _, _ = content_type.partition("; charset=")  # Litestar adds the charset of a text type itself
        return Response(body, media_type=media_type)
