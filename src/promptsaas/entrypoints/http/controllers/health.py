"""Liveness and readiness."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from promptsaas.application.admin import AdminService
from promptsaas.entrypoints.http.openapi import problems
from promptsaas.entrypoints.http.schemas.base import Health


class HealthController(Controller):
    tags = ["operations"]

    @get("/healthz", operation_id="checkLiveness", summary="The process is up", responses=problems("internal_error"))
    async def healthz(self) -> Health:
        """Answers `ok` while the process serves requests; it reads nothing, so it never waits on the database."""
        return Health(status="ok")

    @get(
        "/readyz",
        operation_id="checkReadiness",
        summary="The database is reachable",
        responses=problems("database_unavailable"),
    )
    async def readyz(self, admin: NamedDependency[AdminService]) -> Health:
        """Answers `ready` once the database answers a query; 503 `database_unavailable` while it cannot be reached."""
        await admin.tenants()
        return Health(status="ready")
