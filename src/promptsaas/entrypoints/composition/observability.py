"""Which observability adapters a process gets from its settings: Prometheus call metrics (or none), and model calls
timed, and traced when traces are exported (OpenTelemetry is imported only then)."""

from __future__ import annotations

from promptsaas.adapters.observability.timed import TimedProviders
from promptsaas.application.ports.call_metrics import CallMetrics, NoCallMetrics
from promptsaas.application.ports.llm import LlmProviders
from promptsaas.entrypoints.composition.settings import Settings


def call_metrics_of(settings: Settings) -> CallMetrics:
    """Prometheus series for agent calls and inbox backlogs, or nothing with `PROMPTSAAS_METRICS=off`."""
    if not settings.operations.metrics:
        return NoCallMetrics()
    from promptsaas.adapters.observability.call_metrics import PrometheusCallMetrics

    return PrometheusCallMetrics()


def observed_llm(settings: Settings, inner: LlmProviders) -> LlmProviders:
    """Every model call timed, and traced too when traces are exported (OpenTelemetry imported only then)."""
    timed = TimedProviders(inner)
    if not settings.operations.otel_endpoint:
        return timed
    from promptsaas.adapters.observability.traced import TracedProviders

    return TracedProviders(timed)
