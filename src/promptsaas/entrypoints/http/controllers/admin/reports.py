"""Usage reports and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter

from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import ADMIN_ERRORS, AdminController
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.admin import AuditRead, UsageRowRead


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class AdminReportsController(AdminController):
    path = "/v1/admin"
    tags = ["admin: reports"]

    @get("/usage", responses=errors(*ADMIN_ERRORS))
    async def usage(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
        group_by: FromQuery[Literal["agent", "user", "plan", "day", "model"]] = "agent",
    ) -> list[UsageRowRead]:
        """Requests, tokens, cost and errors per agent, user, plan, day or model."""
        rows = (
            await container_of(request)
            .usage()
            .report(caller.tenant_id, group_by=group_by, since=_utc(since), until=_utc(until))
        )
        return [
            UsageRowRead(
                key=r.key,
                requests=r.requests,
                input_tokens=r.input_tokens,
                output_tokens=r.output_tokens,
                cost_micros=r.cost_micros,
                errors=r.errors,
            )
            for r in rows
        ]

    @get("/audit", responses=errors(*ADMIN_ERRORS))
    async def audit(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 50,
    ) -> list[AuditRead]:
        entries = await container_of(request).admin().audit_log(caller.tenant_id, limit)
        return [
            AuditRead(
                id=e.id,
                actor=e.actor,
                action=e.action,
                target=e.target,
                before=e.before,
                after=e.after,
                created_at=e.created_at.isoformat(),
            )
            for e in entries
        ]
