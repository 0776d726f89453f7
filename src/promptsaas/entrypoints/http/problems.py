"""Errors into RFC 9457 `application/problem+json` responses, with the status of `problem_codes.PROBLEM_CODES`."""

from __future__ import annotations

import logging
import math
import re
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from sqlalchemy.exc import InterfaceError, OperationalError

from promptsaas.domain.errors import AccessDenied, DomainError
from promptsaas.entrypoints.http.observability.request_id import current_request_id
from promptsaas.entrypoints.http.problem_codes import PROBLEM_CODES
from promptsaas.entrypoints.http.schemas.base import LimitRead, Problem
from promptsaas.entrypoints.http.slow_clients import BodyTooSlow

log = logging.getLogger("promptsaas.http")

PROBLEM = "application/problem+json"
NAMED_FIELD = re.compile(r"(?:unknown field|required field|at) `([^`]+)`")
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    402: "Payment required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def status_for(code: str) -> int:
    """The status of a code from the table; a code it misses follows its family (`*_not_found`, `*_exists`)."""
    if code in PROBLEM_CODES:
        return PROBLEM_CODES[code].status
    if code.endswith("_not_found"):
        return 404
    if code.endswith("_exists"):
        return 409
    return 400


def problem(
    status: int, code: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> Response[Problem]:
    body = Problem(
        type=f"https://promptsaas.dev/problems/{code}",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        code=code,
        request_id=current_request_id(),
        **extra,
    )
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[Problem]:
    status = status_for(error.code)
    headers = {}
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, AccessDenied):
        return _denied(error, status)
    return problem(status, error.code, error.message, headers=headers, field=_field_of(error))


def _field_of(error: DomainError) -> str | None:
    """The field an error names; a rejected catalog names the path of its first problem (`agents[0].slug: ...`)."""
    field: str | None = getattr(error, "field", None)
    problems = getattr(error, "problems", None)
    if field is None and problems:
        field = str(problems[0]).partition(":")[0]
    return field


def _denied(error: AccessDenied, status: int) -> Response[Problem]:
    decision = error.decision
    limits = [
        LimitRead(
            metric=s.metric.value,
            window=s.window.value,
            limit=s.limit,
            used=s.used,
            remaining=s.remaining,
            resets_at=s.resets_at.isoformat(),
        )
        for s in decision.limits
    ]
    headers = {}
    resets_at = decision.resets_at
    if resets_at is not None and status in (402, 429):
        headers["Retry-After"] = str(max(1, int((resets_at - datetime.now(UTC)).total_seconds())))
    return problem(
        status,
        error.code,
        error.message,
        headers=headers,
        limits=limits,
        resets_at=resets_at.isoformat() if resets_at else None,
    )


def validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[Problem]:
    field = None
    detail = error.detail or "invalid request"
    if isinstance(error.extra, list) and error.extra:
        first = error.extra[0]
        if isinstance(first, dict):
            field = first.get("key")
            detail = str(first.get("message") or detail)
            if field and first.get("source") == "header":
                field = "-".join(part.capitalize() for part in field.split("_"))
            elif field == "data":
                field = "body"
                if detail == "'data'":  # Litestar's words for a body that is missing altogether
                    detail = "a JSON body is required"
    named = NAMED_FIELD.search(detail)
    if named:
        field = named.group(1).removeprefix("$.")
    return problem(400, "invalid_request", detail, field=field or "body")


def http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    status = error.status_code
    if status == 413:
        return problem(400, "invalid_request", "request body is too large", field="body")
    if isinstance(error.__cause__, SerializationException):
        return problem(400, "invalid_request", f"the body is not valid JSON: {error.detail}", field="body")
    code = {404: "not_found", 405: "method_not_allowed", 401: "invalid_token"}.get(status, "invalid_request")
    if status >= 500:
        code = "internal_error"
    return problem(status, code, str(error.detail), headers=error.headers)


def too_slow(_: Request[Any, Any, Any], error: BodyTooSlow) -> Response[Problem]:
    return problem(408, "request_timeout", str(error), headers={"Connection": "close"})


def too_deep(_: Request[Any, Any, Any], error: RecursionError) -> Response[Problem]:
    """A body nested past the decoder's recursion limit (JSON arrays 10,000 deep)."""
    return problem(400, "invalid_request", "the body is nested too deeply", field="body")


def database_unavailable(_: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    log.error("the database is unavailable: %s", type(error).__name__)
    return problem(
        503, "database_unavailable", "the database is unavailable; retry shortly", headers={"Retry-After": "5"}
    )


def internal_error(_: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    log.error("unhandled error: %s", type(error).__name__, exc_info=error)
    return problem(500, "internal_error", "something went wrong on our side")


HANDLERS: dict[type[Exception] | int, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    RecursionError: too_deep,
    BodyTooSlow: too_slow,
    OperationalError: database_unavailable,
    InterfaceError: database_unavailable,
    ConnectionError: database_unavailable,
    Exception: internal_error,
}
