"""The tenant's usage report: requests, tokens, cost and errors, grouped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from promptsaas.application.usage import UsageService
from promptsaas.domain.usage import UsageRecord
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.admin import UsageRowRead
from promptsaas.entrypoints.http.schemas.calls import CallRead

Since = Annotated[datetime | None, QueryParameter(description="From this time (ISO 8601; UTC when it has no zone).")]
Until = Annotated[datetime | None, QueryParameter(description="Until this time (ISO 8601; UTC when it has no zone).")]
RequestIdQuery = Annotated[
    str, QueryParameter(min_length=1, max_length=128, description="The request id, as in its log line.")
]
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
                email=r.email,
            )
            for r in rows
        ]

    @get("/records", operation_id="adminUsageOfRequest", summary="Find a request's calls", responses=problems(*ADMIN))
    async def records(
        self, usage: NamedDependency[UsageService], caller: NamedDependency[Caller], request_id: RequestIdQuery
    ) -> list[CallRead]:
        """The usage records one request left (usually one call), found by its request id: the `X-Request-ID` it
        was sent with or answered with, as in its access log line and problem body."""
        return [call_read(r) for r in await usage.calls_of_request(caller.tenant_id, request_id)]


def call_read(r: UsageRecord) -> CallRead:
    return CallRead(
        id=r.id,
        request_id=r.request_id,
        user_id=r.user_id,
        agent=r.agent_slug,
        prompt_version=r.prompt_version,
        channel=r.channel.value,
        model=r.model,
        input_tokens=r.input_tokens,
        output_tokens=r.output_tokens,
        cost_micros=r.cost_micros,
        outcome=r.outcome.value,
        error_code=r.error_code,
        finish_reason=r.finish_reason.value if r.finish_reason else None,
        latency_ms=r.latency_ms,
        created_at=r.created_at.isoformat(),
    )
