"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from promptsaas.entrypoints.http.caller import container_of
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.base import Read


class Health(Read):
    status: str


class HealthController(Controller):
    tags = ["operations"]

    @get("/healthz", summary="The process is up")
    async def healthz(self) -> Health:
        return Health(status="ok")

    @get("/readyz", summary="The database is reachable", responses=errors(503))
    async def readyz(self, request: Request[Any, Any, Any]) -> Health:
        """503 `database_unavailable` when the database cannot be reached."""
        await container_of(request).admin().tenants()
        return Health(status="ready")
