"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from entrypoints.http.caller import container_of
from entrypoints.http.schemas.base import Read


class Health(Read):
    status: str


class HealthController(Controller):
    include_in_schema = True
    tags = ["operations"]

    @get("/healthz", summary="The process is up")
    async def healthz(self) -> Health:
        return Health(status="ok")

    @get("/readyz", summary="The database is reachable")
    async def readyz(self, request: Request[Any, Any, Any]) -> Health:
        await container_of(request).admin().tenants()
        return Health(status="ready")
