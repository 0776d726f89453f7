"""The console's payments ledger (newest first, refund a charge) and the model registry with the tenant's prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from promptsaas.application.admin import AdminService
from promptsaas.application.billing.revenue import RevenueService
from promptsaas.application.catalog.models import ModelCatalog
from promptsaas.domain.billing import refunded_per_charge
from promptsaas.domain.errors import DomainError
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.users import User
from promptsaas.entrypoints.http.schemas.admin import ModelIn
from promptsaas.entrypoints.web.pages import page, when
from promptsaas.entrypoints.web.paging import paginate
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user

PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]


class AdminMoneyController(Controller):
    include_in_schema = False
    path = "/admin"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/payments")
    async def payments(
        self,
        request: Request[Any, Any, Any],
        revenue: NamedDependency[RevenueService],
        admin: NamedDependency[AdminService],
        user: NamedDependency[User],
        page_number: PageNumber = 1,
    ) -> Template:
        return await _payments(request, revenue, admin, user, page_number)

    @post("/payments/{payment_id:str}/refund")
    async def refund(
        self,
        request: Request[Any, Any, Any],
        revenue: NamedDependency[RevenueService],
        admin: NamedDependency[AdminService],
        user: NamedDependency[User],
        payment_id: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        """The provider refunds the charge; the refund joins the ledger when the provider confirms it."""
        try:
            await revenue.refund(user.tenant_id, payment_id, user.email or user.id)
        except DomainError as error:
            return await _payments(request, revenue, admin, user, 1, error=error.message, status=400)
        return Redirect(path="/admin/payments?done=refund")

    @get("/models")
    async def models(
        self,
        request: Request[Any, Any, Any],
        model_catalog: NamedDependency[ModelCatalog],
        user: NamedDependency[User],
    ) -> Template:
        return await _models(request, model_catalog, user, done=request.query_params.get("done"))

    @post("/models")
    async def put_model(
        self,
        request: Request[Any, Any, Any],
        model_catalog: NamedDependency[ModelCatalog],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        """The same bounds as `PUT /v1/admin/models/{id}` (its schema), then the catalog's own checks."""
        model_id = form.get("model", "").strip()
        fields = {
            "input_usd_per_mtok": form.get("input_usd_per_mtok", "").strip(),
            "output_usd_per_mtok": form.get("output_usd_per_mtok", "").strip(),
            "context_window": form.get("context_window", "").strip() or "128000",
            "vision": form.get("vision") is not None,
        }
        try:
            data = msgspec.convert(fields, ModelIn, strict=False)
            prices = Decimal(str(data.input_usd_per_mtok)), Decimal(str(data.output_usd_per_mtok))
            spec = ModelSpec(model_id, *prices, data.context_window, data.vision)
            await model_catalog.put_model(user.tenant_id, spec, user.email or user.id)
        except msgspec.ValidationError as error:
            return await _models(request, model_catalog, user, error=f"{model_id}: {error}", status=400)
        except DomainError as error:
            return await _models(request, model_catalog, user, error=f"{model_id}: {error.message}", status=400)
        return Redirect(path="/admin/models", query_params={"done": model_id})


async def _payments(
    request: Request[Any, Any, Any],
    revenue: RevenueService,
    admin: AdminService,
    user: User,
    page_number: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> Template:
    ledger = await revenue.payments(user.tenant_id)
    people = {u.id: u.email or u.display_name for u in await admin.users(user.tenant_id)}
    newest = sorted(ledger, key=lambda p: (p.created_at, p.id), reverse=True)
    listing = paginate(newest, page_number)
    return page(
        request,
        "admin/payments.html",
        status,
        listing=listing,
        refunded=refunded_per_charge(ledger),
        asked=await revenue.refunds_asked(user.tenant_id, listing.items),
        people=people,
        when=when,
        error=error,
        done=request.query_params.get("done"),
    )


async def _models(
    request: Request[Any, Any, Any],
    model_catalog: ModelCatalog,
    user: User,
    *,
    done: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Template:
    return page(
        request,
        "admin/models.html",
        status,
        models=await model_catalog.models_marked(user.tenant_id),
        done=done,
        error=error,
    )
