"""The Prometheus series of the platform, and their exposition (one process, or every worker's in
multi-process mode when `PROMETHEUS_MULTIPROC_DIR` is set, as `serve --workers N` does).

Series are created once per process, on first use, so importing this module costs nothing on a CLI command.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
SERIES_FILE = re.compile(r"(counter|histogram|summary|gauge_[a-z]+)_\d+\.db")
"""prometheus_client's file of one process's series in the multi-process directory (`counter_1234.db`, ...)."""
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Series:
    requests: Counter
    request_seconds: Histogram
    calls: Counter
    denials: Counter
    tokens: Counter
    cost_micros: Counter
    llm_seconds: Histogram
    ledger_seconds: Histogram
    inbox_depth: Gauge
    inbox_oldest_seconds: Gauge
    job_runs: Counter
    job_seconds: Histogram


@cache
def series() -> Series:
    """This process's series (registered in the default registry, which multi-process mode aggregates)."""
    return Series(
        requests=Counter("promptsaas_http_requests", "HTTP requests answered", ["method", "route", "status"]),
        request_seconds=Histogram(
            "promptsaas_http_request_seconds", "HTTP request duration", ["method", "route"], buckets=LATENCY_BUCKETS
        ),
        calls=Counter("promptsaas_agent_calls", "Agent calls", ["tenant", "agent", "channel", "outcome"]),
        denials=Counter("promptsaas_denials", "Calls denied by the policy, by problem code", ["code"]),
        tokens=Counter("promptsaas_tokens", "Model tokens", ["tenant", "agent", "direction"]),
        cost_micros=Counter("promptsaas_cost_micros", "Model cost in micro-units of the currency", ["tenant"]),
        llm_seconds=Histogram(
            "promptsaas_llm_call_seconds", "Model call duration", ["provider", "outcome"], buckets=LATENCY_BUCKETS
        ),
        ledger_seconds=Histogram(
            "promptsaas_ledger_seconds", "Quota ledger operation duration", ["operation"], buckets=LATENCY_BUCKETS
        ),
        inbox_depth=Gauge(
            "promptsaas_webhook_inbox_depth", "Webhook updates waiting", ["inbox"], multiprocess_mode="livemostrecent"
        ),
        inbox_oldest_seconds=Gauge(
            "promptsaas_webhook_inbox_oldest_seconds",
            "Age of the oldest waiting update",
            ["inbox"],
            multiprocess_mode="livemostrecent",
        ),
        job_runs=Counter("promptsaas_job_runs", "Background job runs", ["job", "outcome"]),
        job_seconds=Histogram("promptsaas_job_seconds", "Background job duration", ["job"], buckets=LATENCY_BUCKETS),
    )


def exposition() -> tuple[bytes, str]:
    """The text exposition of every series, aggregated over the workers in multi-process mode."""
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client import multiprocess

        registry: Any = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    series()
    return generate_latest(registry), CONTENT_TYPE_LATEST


def prepare_multiprocess_dir(directory: Path) -> None:
    """Make the multi-process directory if missing and remove a previous run's series files from it, so a scrape
    adds up only this run's workers. Nothing else in it is touched: an operator may point it at a shared directory."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.iterdir():
        if SERIES_FILE.fullmatch(stale.name) and stale.is_file():
            stale.unlink()
