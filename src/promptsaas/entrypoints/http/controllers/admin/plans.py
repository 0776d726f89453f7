"""Plans, as tenant admins manage them: created with their limits and prices, listed, changed, archived."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from promptsaas.application.plans import PlanService
from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Limit, Metric, Plan, PlanStatus, Price, Window
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import PlanCode
from promptsaas.entrypoints.http.schemas.admin import LimitIn, PlanCreate, PlanUpdate, PriceIn
from promptsaas.entrypoints.http.schemas.members import PlanRead
from promptsaas.entrypoints.http.views import plan_read


def _limits(limits: list[LimitIn]) -> tuple[Limit, ...]:
    return tuple(Limit(Metric(lim.metric), Window(lim.window), lim.amount) for lim in limits)


def _price(price: PriceIn | None) -> Price | None:
    return Price(price.monthly, price.yearly, price.currency.lower()) if price else None


class AdminPlansController(AdminController):
    path = "/v1/admin/plans"
    tags = ["admin: plans"]

    @get(
        "/",
        operation_id="adminListPlans",
        summary="List every plan",
        responses=problems(*ADMIN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def plans(
        self,
        plans: NamedDependency[PlanService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[PlanRead]]:
        """Every plan of the tenant by priority, a page at a time, private and archived ones included; `default`
        marks new members' plan."""
        found, default = await plans.plans_page(caller.tenant_id, page_request(limit, cursor))
        return paged([plan_read(p, default) for p in found.items], found.next_cursor)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        operation_id="adminCreatePlan",
        summary="Create a plan",
        responses=problems(*ADMIN, "plan_exists"),
    )
    async def create(
        self, plans: NamedDependency[PlanService], caller: NamedDependency[Caller], data: JSONBody[PlanCreate]
    ) -> PlanRead:
        """Create a plan: the agents and channels it grants (`null` for all), its limits, prices and BYOK rule."""
        plan = Plan(
            id="",
            tenant_id=caller.tenant_id,
            code=data.code,
            name=data.name,
            agents=frozenset(data.agents) if data.agents is not None else None,
            channels=frozenset(Channel(c) for c in data.channels) if data.channels is not None else None,
            limits=_limits(data.limits),
            price=_price(data.price),
            byok=data.byok,
            retention_days=data.retention_days,
            trial_days=data.trial_days,
            priority=data.priority,
            public=data.public,
        )
        return plan_read(await plans.create(plan, actor(caller)))

    @get(
        "/{code:str}",
        operation_id="adminGetPlan",
        summary="Show a plan",
        responses=problems(*ADMIN, "plan_not_found"),
    )
    async def plan(
        self, plans: NamedDependency[PlanService], caller: NamedDependency[Caller], code: PlanCode
    ) -> PlanRead:
        """One plan of the tenant, whatever its status."""
        return plan_read(await plans.plan(caller.tenant_id, code))

    @patch(
        "/{code:str}",
        operation_id="adminUpdatePlan",
        summary="Change a plan",
        responses=problems(*ADMIN, "plan_not_found"),
    )
    async def update(
        self,
        plans: NamedDependency[PlanService],
        caller: NamedDependency[Caller],
        code: PlanCode,
        data: JSONBody[PlanUpdate],
    ) -> PlanRead:
        """Change the fields given; `limits` replaces the whole list, `status: archived` takes it off sale."""
        fields: dict[str, Any] = {
            "name": data.name,
            "byok": data.byok,
            "retention_days": data.retention_days,
            "priority": data.priority,
            "public": data.public,
            "status": PlanStatus(data.status) if data.status else None,
            "limits": _limits(data.limits) if data.limits is not None else None,
            "price": _price(data.price) if data.price is not None else None,
        }
        changes = {k: v for k, v in fields.items() if v is not None}
        return plan_read(await plans.update(caller.tenant_id, code, actor(caller), **changes))
