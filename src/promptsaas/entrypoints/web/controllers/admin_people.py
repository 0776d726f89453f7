"""The console's plans, users (role, status, subscriptions granted and canceled) and audit log; long lists paginate."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from promptsaas.application.admin import AdminService
from promptsaas.application.billing.subscriptions import BillingService
from promptsaas.application.plans import PlanService
from promptsaas.domain.plans import PlanStatus
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus
from promptsaas.domain.users import Role, User, UserStatus
from promptsaas.entrypoints.web.forms import whole_number
from promptsaas.entrypoints.web.pages import page, when
from promptsaas.entrypoints.web.paging import paginate
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user

PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
AUDIT_DEPTH = 1000
"""How far back the audit pages reach (the newest entries)."""
ENDED = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.EXPIRED})
"""Subscriptions the users page offers no cancel button for."""


class AdminPeopleController(Controller):
    include_in_schema = False
    path = "/admin"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/users")
    async def users(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        plans: NamedDependency[PlanService],
        user: NamedDependency[User],
        page_number: PageNumber = 1,
    ) -> Template:
        everyone = sorted(await admin.users(user.tenant_id), key=lambda u: (u.email or "", u.id))
        subscriptions: dict[str, list[Subscription]] = {}
        for sub in await admin.subscriptions(user.tenant_id):
            subscriptions.setdefault(sub.user_id, []).append(sub)
        listed, _ = await plans.catalog(user.tenant_id)
        return page(
            request,
            "admin/users.html",
            listing=paginate(everyone, page_number),
            subscriptions=subscriptions,
            ended=ENDED,
            plans=[p for p in listed if p.status is PlanStatus.ACTIVE],
            roles=[r.value for r in Role],
            statuses=[s.value for s in UserStatus],
            done=request.query_params.get("done"),
            when=when,
        )

    @post("/users/{user_id:str}")
    async def update_user(
        self,
        admin: NamedDependency[AdminService],
        user: NamedDependency[User],
        user_id: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        role = Role(form["role"]) if form.get("role") in {r.value for r in Role} else None
        status = UserStatus(form["status"]) if form.get("status") in {s.value for s in UserStatus} else None
        changed = await admin.update_user(
            user.tenant_id, user_id, role=role, status=status, actor=user.email or user.id
        )
        return Redirect(path=f"/admin/users?done={changed.email or changed.id}")

    @post("/subscriptions")
    async def grant(
        self,
        billing: NamedDependency[BillingService],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        days = whole_number(form.get("days", ""), "days")
        email = form.get("email", "")
        sub = await billing.grant_subscription(
            user.tenant_id, email, form.get("plan", ""), days=days, actor=user.email or user.id
        )
        return Redirect(path=f"/admin/users?done={sub.plan_code} for {email}")

    @post("/subscriptions/{subscription_id:str}/cancel")
    async def cancel(
        self,
        billing: NamedDependency[BillingService],
        user: NamedDependency[User],
        subscription_id: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        sub = await billing.cancel_subscription(user.tenant_id, subscription_id, user.email or user.id)
        return Redirect(path=f"/admin/users?done={sub.plan_code} (canceled)")

    @get("/audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        user: NamedDependency[User],
        page_number: PageNumber = 1,
    ) -> Template:
        entries = await admin.audit_log(user.tenant_id, AUDIT_DEPTH)
        return page(request, "admin/audit.html", listing=paginate(entries, page_number), when=when)
