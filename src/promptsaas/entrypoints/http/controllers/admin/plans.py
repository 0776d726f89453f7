"""Plans, and the declarative catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Request, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.domain.channels import Channel
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Limit, Metric, Plan, PlanStatus, Price, Window
from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import ADMIN_ERRORS, AdminController, actor
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.admin import (
    CatalogApplied,
    LimitIn,
    ModelIn,
    ModelRead,
    PlanCreate,
    PlanUpdate,
    PriceIn,
)
from promptsaas.entrypoints.http.schemas.members import PlanRead
from promptsaas.entrypoints.http.views import plan_read


def _limits(limits: list[LimitIn]) -> tuple[Limit, ...]:
    return tuple(Limit(Metric(lim.metric), Window(lim.window), lim.amount) for lim in limits)


def _price(price: PriceIn | None) -> Price | None:
    return Price(price.monthly, price.yearly, price.currency.lower()) if price else None


def _model_read(model: ModelSpec) -> ModelRead:
    return ModelRead(
        id=model.id,
        input_usd_per_mtok=str(model.input_usd_per_mtok),
        output_usd_per_mtok=str(model.output_usd_per_mtok),
        context_window=model.context_window,
        vision=model.vision,
    )


class AdminPlansController(AdminController):
    path = "/v1/admin/plans"
    tags = ["admin: plans"]

    @get("/", responses=errors(*ADMIN_ERRORS))
    async def plans(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[PlanRead]:
        plans, default = await container_of(request).plans().catalog(caller.tenant_id)
        return [plan_read(p, default) for p in plans]

    @post("/", status_code=HTTP_201_CREATED, responses=errors(*ADMIN_ERRORS, 409))
    async def create(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], data: JSONBody[PlanCreate]
    ) -> PlanRead:
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
        return plan_read(await container_of(request).plans().create(plan, actor(caller)))

    @get("/{code:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def plan(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], code: FromPath[str]
    ) -> PlanRead:
        return plan_read(await container_of(request).plans().plan(caller.tenant_id, code))

    @patch("/{code:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def update(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        code: FromPath[str],
        data: JSONBody[PlanUpdate],
    ) -> PlanRead:
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
        return plan_read(await container_of(request).plans().update(caller.tenant_id, code, actor(caller), **changes))


class AdminCatalogController(AdminController):
    path = "/v1/admin"
    tags = ["admin: catalog"]

    @put("/catalog", status_code=HTTP_200_OK, responses=errors(*ADMIN_ERRORS))
    async def apply(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], data: JSONBody[dict[str, Any]]
    ) -> CatalogApplied:
        """Apply a catalog document (same schema and semantics as `promptsaas catalog apply`)."""
        result = await container_of(request).catalog_apply().apply(caller.tenant_id, data, actor=actor(caller))
        return CatalogApplied(changes=result.changes)

    @get("/models", responses=errors(*ADMIN_ERRORS))
    async def models(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[ModelRead]:
        """The effective model registry: built-in entries overridden by the tenant's own."""
        return [_model_read(m) for m in await container_of(request).catalog().models(caller.tenant_id)]

    @get("/models/{model_id:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def model(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], model_id: FromPath[str]
    ) -> ModelRead:
        return _model_read(await container_of(request).catalog().model(caller.tenant_id, model_id))

    @put("/models/{model_id:str}", status_code=HTTP_200_OK, responses=errors(*ADMIN_ERRORS))
    async def put_model(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        model_id: FromPath[str],
        data: JSONBody[ModelIn],
    ) -> ModelRead:
        spec = ModelSpec(
            model_id,
            Decimal(str(data.input_usd_per_mtok)),
            Decimal(str(data.output_usd_per_mtok)),
            data.context_window,
            data.vision,
        )
        return _model_read(await container_of(request).catalog().put_model(caller.tenant_id, spec, actor(caller)))
