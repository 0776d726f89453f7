"""What an answered agent call adds to the series: its tokens in and out, and its cost."""

from __future__ import annotations

from promptsaas.adapters.observability.metrics import series


def count_usage(tenant: str, agent: str, input_tokens: int, output_tokens: int, cost_micros: int) -> None:
    metrics = series()
    metrics.tokens.labels(tenant, agent, "in").inc(input_tokens)
    metrics.tokens.labels(tenant, agent, "out").inc(output_tokens)
    if cost_micros:
        metrics.cost_micros.labels(tenant).inc(cost_micros)
