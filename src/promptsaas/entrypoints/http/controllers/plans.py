"""The plans on sale in a tenant: what anyone, signed in or not, may buy."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide

from promptsaas.application.plans import PlanService
from promptsaas.entrypoints.http.caller import OPTIONALLY_SIGNED_IN, tenant_of_request
from promptsaas.entrypoints.http.openapi import AS_TENANT, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.schemas.members import PlanRead
from promptsaas.entrypoints.http.views import plan_read


class PlansController(Controller):
    path = "/v1/plans"
    tags = ["catalog"]
    security = OPTIONALLY_SIGNED_IN

    @get(
        "/",
        operation_id="listPlans",
        summary="List the plans on sale",
        responses=problems(*AS_TENANT, "invalid_token", *PAGED),
        dependencies={"tenant_id": Provide(tenant_of_request)},
        response_headers=PAGE_HEADERS,
    )
    async def plans(
        self,
        plans: NamedDependency[PlanService],
        tenant_id: NamedDependency[str],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[PlanRead]]:
        """The tenant's public plans by priority, with prices and limits, a page at a time; `default` marks the plan
        every new member gets. Signed-in callers see their own tenant's; anonymous ones name it in `X-Tenant`."""
        found, default = await plans.plans_page(tenant_id, page_request(limit, cursor), public_only=True)
        return paged([plan_read(p, default) for p in found.items], found.next_cursor)
