"""OpenAPI documentation helpers: every operation lists its problem responses."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from promptsaas.entrypoints.http.problems import TITLES
from promptsaas.entrypoints.http.schemas.base import Problem


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """Problem responses an operation can answer (400 invalid_request is always possible; where a credential is
    checked, 401, so is 403 `tenant_suspended`)."""
    suspended = {403} if 401 in statuses else set()
    return {
        status: ResponseSpec(
            data_container=Problem, description=TITLES.get(status, "Error"), media_type="application/problem+json"
        )
        for status in sorted({400, *statuses, *suspended})
    }
