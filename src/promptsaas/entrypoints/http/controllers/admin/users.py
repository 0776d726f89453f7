"""The tenant's users, as its admins see them: listed, promoted, disabled."""

from __future__ import annotations

from litestar import Response, get, patch
from litestar.di import NamedDependency
from litestar.params import JSONBody

from promptsaas.application.admin import AdminService
from promptsaas.domain.users import Role, UserStatus
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import UserId
from promptsaas.entrypoints.http.schemas.admin import UserUpdate
from promptsaas.entrypoints.http.schemas.auth import UserRead
from promptsaas.entrypoints.http.views import user_read


class AdminUsersController(AdminController):
    path = "/v1/admin/users"
    tags = ["admin: users"]

    @get(
        "/",
        operation_id="adminListUsers",
        summary="List the users",
        responses=problems(*ADMIN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def users(
        self,
        admin: NamedDependency[AdminService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[UserRead]]:
        """Every user of the tenant, oldest first, a page at a time: members and admins, active and disabled,
        messenger-only ones included."""
        users = await admin.users_page(caller.tenant_id, page_request(limit, cursor))
        return paged([user_read(u) for u in users.items], users.next_cursor)

    @patch(
        "/{user_id:str}",
        operation_id="adminUpdateUser",
        summary="Change a user's role or status",
        responses=problems(*ADMIN, "user_not_found"),
    )
    async def update(
        self,
        admin: NamedDependency[AdminService],
        caller: NamedDependency[Caller],
        user_id: UserId,
        data: JSONBody[UserUpdate],
    ) -> UserRead:
        """Change a user's role or status (a disabled user can no longer sign in or call agents); audited."""
        user = await admin.update_user(
            caller.tenant_id,
            user_id,
            role=Role(data.role) if data.role else None,
            status=UserStatus(data.status) if data.status else None,
            actor=actor(caller),
        )
        return user_read(user)
