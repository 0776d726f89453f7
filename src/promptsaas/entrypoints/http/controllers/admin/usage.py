"""The tenant's usage report: requests, tokens, cost and errors, grouped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from promptsaas.application.usage import UsageService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.admin import UsageRowRead

Since = Annotated[datetime | None, QueryParameter(description="From this time (ISO 8601; UTC when it has no zone).")]
Until = Annotated[datetime | None, QueryParameter(description="Until this time (ISO 8601; UTC when it has no zone).")]
GroupBy = Annotated[
    Literal["agent", "user", "plan", "day", "model"], QueryParameter(description="What each row totals.")
]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class AdminUsageController(AdminController):
    path = "/v1/admin/usage"
    tags = ["admin: reports"]

    @get("/", operation_id="adminUsageReport", summary="Report usage", responses=problems(*ADMIN))
    async def usage(
        self,
        usage: NamedDependency[UsageService],
        caller: NamedDependency[Caller],
        since: Since = None,
        until: Until = None,
        group_by: GroupBy = "agent",
    ) -> list[UsageRowRead]:
        """Requests, tokens, cost and errors per agent, user, plan, day or model, over an optional time range."""
        rows = await usage.report(caller.tenant_id, group_by=group_by, since=_utc(since), until=_utc(until))
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
