"""OpenAPI documentation of problems: every operation lists the problem codes it can answer, grouped by status,
each with an example body."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from promptsaas.entrypoints.http.problem_codes import PROBLEM_CODES
from promptsaas.entrypoints.http.problems import PROBLEM, TITLES
from promptsaas.entrypoints.http.schemas.base import Problem

ANONYMOUS = ("invalid_request", "database_unavailable")
"""What any operation that takes input and reads the database can answer."""
AS_TENANT = (*ANONYMOUS, "tenant_not_found", "tenant_suspended")
"""An anonymous operation naming its tenant in `X-Tenant`."""
SIGNED_IN = (*ANONYMOUS, "invalid_token", "tenant_suspended")
"""Any operation behind an access token or API key."""
ADMIN = (*SIGNED_IN, "forbidden")
"""Any operation of the tenant admins."""


def problems(*codes: str) -> dict[int, ResponseSpec]:
    """The problem responses of an operation, one example per code (a code named twice is listed once)."""
    by_status: dict[int, list[str]] = {}
    for code in dict.fromkeys(codes):
        by_status.setdefault(PROBLEM_CODES[code].status, []).append(code)
    return {status: _response(status, found) for status, found in sorted(by_status.items())}


def _response(status: int, codes: list[str]) -> ResponseSpec:
    title = TITLES.get(status, "Error")
    return ResponseSpec(
        data_container=Problem,
        generate_examples=False,
        description=f"{title}: " + ", ".join(f"`{code}`" for code in codes),
        media_type=PROBLEM,
        examples=[Example(id=code, summary=code, value=_example(status, code)) for code in codes],
    )


def _example(status: int, code: str) -> dict[str, object]:
    return {
        "type": f"https://promptsaas.dev/problems/{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": PROBLEM_CODES[code].meaning,
        "code": code,
    }
