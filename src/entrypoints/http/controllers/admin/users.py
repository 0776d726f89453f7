"""Users and manual subscription grants."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from domain.users import Role, UserStatus
from entrypoints.http.caller import Caller, container_of
from entrypoints.http.controllers.admin.guard import ADMIN, actor
from entrypoints.http.openapi import errors
from entrypoints.http.schemas.admin import AdminSubscriptionRead, GrantCreate, UserUpdate
from entrypoints.http.schemas.auth import UserRead
from entrypoints.http.views import admin_subscription_read, user_read

ADMIN_ERRORS = (401, 403)


class AdminUsersController(Controller):
    path = "/v1/admin/users"
    tags = ["admin: users"]
    dependencies = ADMIN

    @get("/", responses=errors(*ADMIN_ERRORS))
    async def users(self, request: Request[Any, Any, Any], caller: Caller) -> list[UserRead]:
        return [user_read(u) for u in await container_of(request).admin().users(caller.tenant_id)]

    @patch("/{user_id:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def update(self, request: Request[Any, Any, Any], caller: Caller, user_id: str, data: UserUpdate) -> UserRead:
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


class AdminSubscriptionsController(Controller):
    path = "/v1/admin/subscriptions"
    tags = ["admin: subscriptions"]
    dependencies = ADMIN

    @get("/", responses=errors(*ADMIN_ERRORS, 404))
    async def subscriptions(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        email: Annotated[str | None, Parameter(query="user", max_length=254)] = None,
    ) -> list[AdminSubscriptionRead]:
        subs = await container_of(request).admin().subscriptions(caller.tenant_id, email)
        return [admin_subscription_read(s) for s in subs]

    @post("/", status_code=HTTP_201_CREATED, responses=errors(*ADMIN_ERRORS, 404))
    async def grant(self, request: Request[Any, Any, Any], caller: Caller, data: GrantCreate) -> AdminSubscriptionRead:
        """Grant a plan to a user by hand (the `manual` payment provider)."""
        sub = (
            await container_of(request)
            .billing()
            .grant_subscription(caller.tenant_id, data.email, data.plan, days=data.days, actor=actor(caller))
        )
        return admin_subscription_read(sub)

    @post("/{subscription_id:str}/cancel", status_code=HTTP_200_OK, responses=errors(*ADMIN_ERRORS, 404))
    async def cancel(
        self, request: Request[Any, Any, Any], caller: Caller, subscription_id: str
    ) -> AdminSubscriptionRead:
        sub = (
            await container_of(request).billing().cancel_subscription(caller.tenant_id, subscription_id, actor(caller))
        )
        return admin_subscription_read(sub)
