"""Errors on the OpenAI routes in OpenAI's shape, `{"error": {message, type, param, code}}`, with the status of the
problem-code table, so the SDKs raise their typed errors (`AuthenticationError`, `RateLimitError`, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec

from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.http import problems
from promptsaas.entrypoints.http.openai.schemas import ErrorBody, ErrorDetail
from promptsaas.entrypoints.http.problem_codes import PROBLEM_CODES

TYPES = {401: "authentication_error", 402: "insufficient_quota", 403: "permission_error", 404: "not_found_error"}


def error_type(status: int) -> str:
    if status == 429:
        return "rate_limit_error"
    return TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def error_body(status: int, code: str, message: str, param: str | None = None) -> ErrorBody:
    return ErrorBody(ErrorDetail(message=message, type=error_type(status), param=param, code=code))


def error_event(error: DomainError) -> bytes:
    """An error that ends a stream already under way, as OpenAI sends it: one `data:` event with the error."""
    body = error_body(problems.status_for(error.code), error.code, error.message)
    return b"data: " + msgspec.json.encode(body) + b"\n\n"


def _openai(response: Response[Any]) -> Response[ErrorBody]:
    """The problem response the app would give, re-shaped: same status, code, field and headers."""
    problem = response.content
    return Response(
        error_body(problem.status, problem.code, problem.detail, problem.field),
        status_code=response.status_code,
        headers=dict(response.headers),
        media_type="application/json",
    )


Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def _reshaped(handler: Handler) -> Handler:
    def reshaped(request: Request[Any, Any, Any], error: Exception) -> Response[ErrorBody]:
        return _openai(handler(request, error))

    return reshaped


HANDLERS: dict[type[Exception] | int, Any] = {kind: _reshaped(handler) for kind, handler in problems.HANDLERS.items()}
"""Every handler of the app's (`problems.HANDLERS`: a refusal, a bad body, the database unavailable, a fault), its
answer in OpenAI's shape."""


def documented(*codes: str) -> dict[int, ResponseSpec]:
    """The OpenAPI error responses of an OpenAI route: OpenAI's error body, listing the codes of each status."""
    by_status: dict[int, list[str]] = {}
    for code in dict.fromkeys(codes):
        by_status.setdefault(PROBLEM_CODES[code].status, []).append(code)
    return {
        status: ResponseSpec(
            data_container=ErrorBody,
            generate_examples=False,
            description=f"{problems.TITLES.get(status, 'Error')}: " + ", ".join(f"`{c}`" for c in found),
            media_type="application/json",
        )
        for status, found in sorted(by_status.items())
    }
