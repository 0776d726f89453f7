"""OpenTelemetry traces, exported over OTLP/HTTP: imported only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the
`otel` extra installs the SDK and exporter). Each HTTP request is a server span carrying the request id."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

SERVICE = "promptsaas"


def tracer(endpoint: str) -> trace.Tracer:
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")))
    trace.set_tracer_provider(provider)
    return trace.get_tracer(SERVICE)


def traced_asgi(app: Any, endpoint: str) -> Any:
    """`app` with one server span per HTTP request (method, route template, status)."""
    spans = tracer(endpoint)

    async def traced(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        with spans.start_as_current_span(f"{scope['method']} {scope['path']}", kind=trace.SpanKind.SERVER) as span:

            async def record_status(message: Any) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                await send(message)

            span.set_attribute("http.request.method", scope["method"])
            await app(scope, receive, record_status)
            if scope.get("path_template"):
                span.update_name(f"{scope['method']} {scope['path_template']}")
                span.set_attribute("http.route", scope["path_template"])

    return traced
