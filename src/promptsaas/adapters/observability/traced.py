"""Trace spans for what a call waits on besides HTTP: database write transactions and model calls. Imported only
when traces are exported (`OTEL_EXPORTER_OTLP_ENDPOINT`); each span is a child of the request's span."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from promptsaas.application.ports.llm import Completion, LlmProvider, LlmProviders, LlmRequest, StreamEvent

SERVICE = "promptsaas"


def transaction_span(dialect: str) -> Callable[[bool], None]:
    """A `db.transaction` client span opened at BEGIN; the function returned ends it at COMMIT or ROLLBACK."""
    span = trace.get_tracer(SERVICE).start_span(
        "db.transaction", kind=SpanKind.CLIENT, attributes={"db.system.name": dialect}
    )

    def ended(committed: bool) -> None:
        span.set_attribute("db.transaction.committed", committed)
        if not committed:
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    return ended


class TracedProvider(LlmProvider):
    """One provider's calls as `llm.call` client spans (provider, model, tokens)."""

    def __init__(self, name: str, inner: LlmProvider) -> None:
        self._name = name
        self._inner = inner
        self._spans = trace.get_tracer(SERVICE)

    def _attributes(self, request: LlmRequest) -> dict[str, str]:
        return {"gen_ai.system": self._name, "gen_ai.request.model": request.model}

    async def complete(self, request: LlmRequest) -> Completion:
        with self._spans.start_as_current_span(
            f"llm.call {self._name}", kind=SpanKind.CLIENT, attributes=self._attributes(request)
        ) as span:
            completion = await self._inner.complete(request)
            span.set_attribute("gen_ai.usage.input_tokens", completion.input_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", completion.output_tokens)
            return completion

    async def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        with self._spans.start_as_current_span(
            f"llm.stream {self._name}", kind=SpanKind.CLIENT, attributes=self._attributes(request)
        ):
            async for event in self._inner.stream(request):
                yield event


class TracedProviders(LlmProviders):
    def __init__(self, inner: LlmProviders) -> None:
        self._inner = inner
        self._traced: dict[str, LlmProvider] = {}

    def get(self, provider: str) -> LlmProvider:
        found = self._traced.get(provider)
        if found is None:
            found = self._traced[provider] = TracedProvider(provider, self._inner.get(provider))
        return found

    def names(self) -> frozenset[str]:
        return self._inner.names()

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)
