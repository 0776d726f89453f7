"""Who may join the tenant: its sign-up mode, and invites mailed to new members."""

from __future__ import annotations

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from promptsaas.application.auth.service import AuthService
from promptsaas.domain.tenants import SignupMode
from promptsaas.domain.users import Role, normalize_email
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.auth import InviteIn, InviteRead, SignupModeIn, SignupModeRead


class AdminSignupController(AdminController):
    path = "/v1/admin"
    tags = ["admin: users"]

    @get("/signup-mode", operation_id="adminGetSignupMode", summary="Show the sign-up mode", responses=problems(*ADMIN))
    async def mode(self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller]) -> SignupModeRead:
        """`open` (anyone), `verified` (anyone, signing in once the email is verified), `invite` or `closed`."""
        return SignupModeRead(mode=(await auth.signup.signup_mode(caller.tenant_id)).value)

    @put("/signup-mode", operation_id="adminSetSignupMode", summary="Set the sign-up mode", responses=problems(*ADMIN))
    async def set_mode(
        self,
        auth: NamedDependency[AuthService],
        caller: NamedDependency[Caller],
        data: JSONBody[SignupModeIn],
    ) -> SignupModeRead:
        """Choose who may create an account by themselves (audited); admins can always create and invite users."""
        tenant = await auth.signup.set_signup_mode(caller.tenant_id, SignupMode(data.mode), actor=actor(caller))
        return SignupModeRead(mode=tenant.signup_mode.value)

    @post(
        "/invites",
        status_code=HTTP_201_CREATED,
        operation_id="adminInvite",
        summary="Invite someone by email",
        responses=problems(*ADMIN, "user_exists"),
    )
    async def invite(
        self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller], data: JSONBody[InviteIn]
    ) -> InviteRead:
        """Mail an invite (valid seven days) to an address without an account; signing up with its token works in
        every mode but `closed`, verifies the email and gives the role. Audited."""
        link = await auth.signup.invite(caller.tenant_id, data.email, Role(data.role), actor=actor(caller))
        return InviteRead(email=normalize_email(data.email), role=data.role, link=link)
