"""How the app is made observable: logging configured once per process, the request layer outside the router
(so a 404 has its request id and access line too), CORS for the configured origins, traces when asked for."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig

from promptsaas.adapters.observability.logs import configure_logging
from promptsaas.entrypoints.composition.operations import OperationsSettings
from promptsaas.entrypoints.http.observability.middleware import ObservabilityMiddleware


def cors_config(operations: OperationsSettings) -> CORSConfig | None:
    if not operations.cors_origins:
        return None
    return CORSConfig(
        allow_origins=list(operations.cors_origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "X-API-Key",
            "X-Channel",
            "X-Tenant",
            "Idempotency-Key",
            "X-Request-ID",
        ],
        expose_headers=["X-Request-ID", "Retry-After", "X-Next-Cursor"],
        allow_credentials=False,
    )


def observe(app: Litestar, operations: OperationsSettings) -> Litestar:
    configure_logging(operations.log_format, operations.log_level)
    handler: Any = ObservabilityMiddleware(app.asgi_handler)
    if operations.otel_endpoint:
        from promptsaas.adapters.observability.traced import transaction_span
        from promptsaas.adapters.observability.tracing import traced_asgi
        from promptsaas.adapters.persistence.sqlalchemy import transactions

        handler = traced_asgi(handler, operations.otel_endpoint)
        transactions.span_opener = transaction_span
    app.asgi_handler = handler
    return app
