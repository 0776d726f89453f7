"""Users and manual subscription grants."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.domain.users import Role, UserStatus
from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import ADMIN_ERRORS, AdminController, actor
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.admin import AdminSubscriptionRead, GrantCreate, UserUpdate
from promptsaas.entrypoints.http.schemas.auth import UserRead
from promptsaas.entrypoints.http.views import admin_subscription_read, user_read


class AdminUsersController(AdminController):
    path = "/v1/admin/users"
    tags = ["admin: users"]

    @get("/", responses=errors(*ADMIN_ERRORS))
    async def users(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[UserRead]:
        return [user_read(u) for u in await container_of(request).admin().users(caller.tenant_id)]

    @patch("/{user_id:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def update(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        user_id: FromPath[str],
        data: JSONBody[UserUpdate],
    ) -> UserRead:
        """Change a user's role or status (a disabled user can no longer call agents)."""
        user = (
            await container_of(request)
            .admin()
            .update_user(
                caller.tenant_id,
                user_id,
                role=Role(data.role) if data.role else None,
                status=UserStatus(data.status) if data.status else None,
                actor=actor(caller),
            )
        )
        return user_read(user)


class AdminSubscriptionsController(AdminController):
    path = "/v1/admin/subscriptions"
    tags = ["admin: subscriptions"]

    @get("/", responses=errors(*ADMIN_ERRORS, 404))
    async def subscriptions(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        email: Annotated[str | None, QueryParameter(name="user", max_length=254)] = None,
    ) -> list[AdminSubscriptionRead]:
        subs = await container_of(request).admin().subscriptions(caller.tenant_id, email)
        return [admin_subscription_read(s) for s in subs]

    @post("/", status_code=HTTP_201_CREATED, responses=errors(*ADMIN_ERRORS, 404))
    async def grant(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], data: JSONBody[GrantCreate]
    ) -> AdminSubscriptionRead:
        """Grant a plan to a user by hand (the `manual` payment provider)."""
        sub = (
            await container_of(request)
            .billing()
            .grant_subscription(caller.tenant_id, data.email, data.plan, days=data.days, actor=actor(caller))
        )
        return admin_subscription_read(sub)

    @post("/{subscription_id:str}/cancel", status_code=HTTP_200_OK, responses=errors(*ADMIN_ERRORS, 404))
    async def cancel(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], subscription_id: FromPath[str]
    ) -> AdminSubscriptionRead:
        sub = (
            await container_of(request).billing().cancel_subscription(caller.tenant_id, subscription_id, actor(caller))
        )
        return admin_subscription_read(sub)
