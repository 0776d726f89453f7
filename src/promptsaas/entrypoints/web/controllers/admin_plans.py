"""The console's plans and packs: limits, prices and granted agents, and the fields an admin may change."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from promptsaas.application.plans import PlanService
from promptsaas.domain.billing import DEFAULT_GRACE_DAYS
from promptsaas.domain.plans import PlanStatus
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.pages import page
from promptsaas.entrypoints.web.plan_forms import limit_text, plan_changes, split_kinds
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user


class AdminPlansController(Controller):
    include_in_schema = False
    path = "/admin/plans"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/")
    async def plans(
        self, request: Request[Any, Any, Any], plans: NamedDependency[PlanService], user: NamedDependency[User]
    ) -> Template:
        listed, default = await plans.catalog(user.tenant_id)
        subscriptions, packs = split_kinds(listed)
        return page(
            request,
            "admin/plans.html",
            subscriptions=subscriptions,
            packs=packs,
            default=default,
            default_grace=DEFAULT_GRACE_DAYS,
            limit_text=limit_text,
            statuses=[s.value for s in PlanStatus],
            done=request.query_params.get("done"),
        )

    @post("/{code:str}")
    async def change(
        self,
        plans: NamedDependency[PlanService],
        user: NamedDependency[User],
        code: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        changed = await plans.update(user.tenant_id, code, user.email or user.id, **plan_changes(form))
        return Redirect(path=f"/admin/plans?done={changed.code}")
