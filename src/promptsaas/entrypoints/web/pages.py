"""Rendering pages: the template context every page shares, and errors as pages that show the problem's message."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Template
from sqlalchemy.exc import InterfaceError, OperationalError

from promptsaas.domain.errors import DomainError, Forbidden
from promptsaas.entrypoints.http import problems
from promptsaas.entrypoints.http.problems import status_for
from promptsaas.entrypoints.web.session import BAG, HEADERS, CsrfRefused, SignedOut, bag_of

log = logging.getLogger("promptsaas.web")

API_ROOTS = frozenset({"v1", "metrics", "healthz", "readyz", "schema"})
"""The first path segments of the API (its webhooks are under /v1/): a missing URL there is always problem+json."""


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def page(
    request: Request[Any, Any, Any],
    name: str,
    status: int = 200,
    *,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A template with the session's user and CSRF token beside the page's own context."""
    bag = bag_of(request)
    return Template(
        template_name=name,
        context={"user": bag.user, "csrf": bag.csrf, "path": request.url.path, **context},
        status_code=status,
        headers=headers,
    )


def when(moment: datetime | None) -> str:
    """A moment as the pages print it (UTC, to the minute)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def micros(amount: int) -> str:
    """Micro-dollars as dollars."""
    return f"${amount / 1_000_000:,.4f}"


def _error_page(request: Request[Any, Any, Any], status: int, title: str, message: str) -> Response[Any]:
    if is_htmx(request):
        retarget = {"HX-Retarget": "#notice", "HX-Reswap": "innerHTML"}
        return page(request, "_error.html", 200, headers=retarget, title=title, message=message)
    return page(request, "error.html", status, title=title, message=message)


def signed_out(request: Request[Any, Any, Any], _: SignedOut) -> Response[Any]:
    if is_htmx(request):
        return Response(b"", headers={"HX-Redirect": "/login"})
    target = request.url.path
    return Redirect(path=f"/login?next={target}" if target.startswith("/") and target != "/" else "/login")


def domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    if isinstance(error, CsrfRefused):
        return _error_page(request, 403, "Form refused", error.message)
    status = 403 if isinstance(error, Forbidden) else status_for(error.code)
    return _error_page(request, status, "That did not work", error.message)


def validation_error(request: Request[Any, Any, Any], error: ValidationException) -> Response[Any]:
    return _error_page(request, 400, "That did not work", str(error.detail or "the request is not valid"))


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    status = error.status_code
    title = "Not found" if status == 404 else "That did not work"
    detail = "there is no page here" if status == 404 else str(error.detail)
    if status >= 500:
        detail = "something went wrong on our side"
    return _error_page(request, status, title, detail)


def missing_page(request: Request[Any, Any, Any], error: NotFoundException) -> Response[Any]:
    """A URL no route serves (the app's handler): the HTML 404 page for a browser's navigation outside the API,
    problem+json for API clients; a page's own 404 stays the page's error."""
    if BAG in request.scope:
        return http_error(request, error)
    if request.url.path.split("/")[1] in API_ROOTS or not _navigation(request):
        return problems.http_error(request, error)
    context = {
        "user": None,
        "csrf": "",
        "path": request.url.path,
        "title": "Not found",
        "message": "there is no page here",
    }
    headers = {**HEADERS, "cache-control": "no-store"}  # what the session middleware adds to every page
    return Template(template_name="error.html", context=context, status_code=404, headers=headers)


def _navigation(request: Request[Any, Any, Any]) -> bool:
    """The request names HTML among what it accepts, as a browser's navigation does (an API client's */* does not)."""
    accepted = request.headers.get("accept", "").split(",")
    return any(media.split(";")[0].strip().lower() == "text/html" for media in accepted)


def unavailable(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.error("the database is unavailable: %s", type(error).__name__)
    return _error_page(request, 503, "Unavailable", "the database is unavailable; retry shortly")


def internal(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.error("unhandled error: %s", type(error).__name__, exc_info=error)
    return _error_page(request, 500, "Sorry", "something went wrong on our side")


HANDLERS: dict[type[Exception] | int, Any] = {
    SignedOut: signed_out,
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    OperationalError: unavailable,
    InterfaceError: unavailable,
    ConnectionError: unavailable,
    Exception: internal,
}
"""The web pages' errors: HTML with the problem's message, never a trace; no session leads to the login page."""
