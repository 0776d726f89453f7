"""Agent calls and webhook inbox backlogs as Prometheus series (`promptsaas_agent_calls`, `promptsaas_denials`,
`promptsaas_tokens`, `promptsaas_cost_micros`, `promptsaas_webhook_inbox_*`)."""

from __future__ import annotations

from datetime import datetime

from promptsaas.adapters.observability.metrics import series
from promptsaas.application.ports.call_metrics import CallCount, CallMetrics, InboxBacklog


class PrometheusCallMetrics(CallMetrics):
    def __init__(self) -> None:
        self._series = series()

    def count_call(self, call: CallCount) -> None:
        metrics = self._series
        metrics.calls.labels(call.tenant, call.agent, call.channel, call.outcome).inc()
        if call.outcome == "denied" and call.code:
            metrics.denials.labels(call.code).inc()
        if call.input_tokens or call.output_tokens:
            metrics.tokens.labels(call.tenant, call.agent, "in").inc(call.input_tokens)
            metrics.tokens.labels(call.tenant, call.agent, "out").inc(call.output_tokens)
        if call.cost_micros:
            metrics.cost_micros.labels(call.tenant).inc(call.cost_micros)

    def show_backlog(self, inbox: str, backlog: InboxBacklog, now: datetime) -> None:
        age = (now - backlog.oldest_at).total_seconds() if backlog.oldest_at else 0.0
        self._series.inbox_depth.labels(inbox).set(backlog.depth)
        self._series.inbox_oldest_seconds.labels(inbox).set(max(age, 0.0))
