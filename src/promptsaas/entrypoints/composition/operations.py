"""What an operator configures to run the service: log format, metrics access, proxies, CORS, jobs, traces."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from promptsaas.entrypoints.composition.variables import SettingsError, Variables

LOG_FORMATS = ("json", "console")
JOB_RUNNERS = ("serve", "worker", "off")
"""`PROMPTSAAS_JOBS`: where background jobs run (inside `serve`, only in `promptsaas worker`, or nowhere)."""
LOOPBACK = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class OperationsSettings:
    log_format: str = "console"
    """`PROMPTSAAS_LOG_FORMAT`: `json` lines (the production default) or a readable `console` (development)."""
    log_level: str = "info"
    metrics_token: str | None = field(default=None, repr=False)
    """`PROMPTSAAS_METRICS_TOKEN`: a bearer token that opens `/metrics` from any address."""
    metrics_allow_ips: tuple[str, ...] = LOOPBACK
    """`PROMPTSAAS_METRICS_ALLOW_IPS`: client addresses or networks (`10.0.0.0/8`) that read `/metrics` without the
    token (`*` for any)."""
    forwarded_allow_ips: str | None = None
    """`PROMPTSAAS_FORWARDED_ALLOW_IPS`: proxies whose X-Forwarded-For is trusted (turns on proxy headers)."""
    cors_origins: tuple[str, ...] = ()
    """`PROMPTSAAS_CORS_ORIGINS`: browser origins on other hosts allowed to call the API (`*` for any)."""
    jobs: str = "serve"
    job_tick_seconds: float = 1.0
    """How often a runner checks which jobs are due (and a waiting process tries for the runner's lock)."""
    otel_endpoint: str | None = None
    """`OTEL_EXPORTER_OTLP_ENDPOINT`: traces are exported there; unset, no OpenTelemetry module is imported."""
    change_poll_seconds: float = 0.05
    """How often each process looks for changes made by other processes (cache invalidation)."""
    metrics: bool = True
    """`PROMPTSAAS_METRICS=off`: agent calls and inbox backlogs are not counted (the series stay empty)."""

    @classmethod
    def from_variables(cls, v: Variables, *, production: bool) -> OperationsSettings:
        default = cls()
        return cls(
            log_format=v.choice("PROMPTSAAS_LOG_FORMAT", "json" if production else "console", LOG_FORMATS),
            log_level=v.choice("PROMPTSAAS_LOG_LEVEL", "info", ("debug", "info", "warning", "error")),
            metrics_token=v.optional("PROMPTSAAS_METRICS_TOKEN"),
            metrics_allow_ips=_networks(v, "PROMPTSAAS_METRICS_ALLOW_IPS") or LOOPBACK,
            forwarded_allow_ips=v.optional("PROMPTSAAS_FORWARDED_ALLOW_IPS"),
            cors_origins=_origins(v, "PROMPTSAAS_CORS_ORIGINS"),
            jobs=v.choice("PROMPTSAAS_JOBS", default.jobs, JOB_RUNNERS),
            job_tick_seconds=v.number("PROMPTSAAS_JOB_TICK_SECONDS", default.job_tick_seconds, positive=True),
            otel_endpoint=(v.env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or "").strip() or None,  # OpenTelemetry's own
            change_poll_seconds=v.number("PROMPTSAAS_CHANGE_POLL_SECONDS", default.change_poll_seconds, positive=True),
            metrics=v.choice("PROMPTSAAS_METRICS", "on", ("on", "off")) == "on",
        )


def _networks(v: Variables, name: str) -> tuple[str, ...]:
    """Addresses and networks, or `*`; anything else is refused naming it, rather than matching no client."""
    items = v.items(name)
    for item in items:
        if item != "*":
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise SettingsError(f"{name}: {item!r} is not an IP address or network (such as 10.0.0.0/8)") from None
    return items


def _origins(v: Variables, name: str) -> tuple[str, ...]:
    """Browser origins as browsers send them (`https://app.example.com`, a port if any, no path), or `*`: anything
    else would never match and fail every preflight."""
    items = v.items(name)
    for item in items:
        parts = urlsplit(item)
        if item != "*" and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query):
            raise SettingsError(f"{name}: {item!r} is not an origin (scheme://host[:port], no path or trailing slash)")
    return items
