"""The id of the request being served, set by the shell that received it (HTTP: `X-Request-ID` or generated).

Usage records and audit entries carry it, so an operator can go from a log line to what the request wrote."""

from __future__ import annotations

from contextvars import ContextVar

current: ContextVar[str | None] = ContextVar("promptsaas_request_id", default=None)


def current_request_id() -> str | None:
    return current.get()
