"""The caller's own usage: every limit of their active plans, used and remaining."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from promptsaas.application.access import AccessService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.schemas.members import MyUsageRead, PlanUsageRead
from promptsaas.entrypoints.http.views import limit_read


class UsageController(MemberController):
    path = "/v1/usage"
    tags = ["usage"]

    @get("/", operation_id="getUsage", summary="Show your usage and limits", responses=problems(*SIGNED_IN))
    async def usage(self, access: NamedDependency[AccessService], caller: NamedDependency[Caller]) -> MyUsageRead:
        """The caller's limits on every active plan, with used / remaining / resets_at."""
        plans = await access.limits(caller.tenant_id, caller.user.id)
        return MyUsageRead(
            plans=[PlanUsageRead(plan=code, limits=[limit_read(v) for v in views]) for code, views in plans]
        )
