"""Logs, metrics and traces: structlog, prometheus-client and (only when configured) OpenTelemetry."""
