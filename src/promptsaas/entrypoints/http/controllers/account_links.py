"""What the mailed links lead to: verify an email, ask for a password reset, reset it (anonymous: a link's token
names its tenant, and a reset request names it with `X-Tenant`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from promptsaas.application.auth.service import AuthService
from promptsaas.entrypoints.http.caller import anonymous_tenant
from promptsaas.entrypoints.http.controllers.auth import accepted, client_address
from promptsaas.entrypoints.http.openapi import ANONYMOUS, AS_TENANT, problems
from promptsaas.entrypoints.http.schemas.auth import AcceptedRead, ForgotPasswordIn, ResetPasswordIn, VerifyEmailIn


class AccountLinksController(Controller):
    path = "/v1/auth"
    tags = ["auth"]

    @post(
        "/verify-email",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="verifyEmail",
        summary="Confirm an email address",
        responses=problems(*ANONYMOUS, "invalid_link", "tenant_suspended"),
    )
    async def verify_email(self, auth: NamedDependency[AuthService], data: JSONBody[VerifyEmailIn]) -> None:
        """Confirm the address a verification mail was sent to, with the token of its link (valid two days)."""
        await auth.accounts.verify_email(data.token)

    @post(
        "/forgot-password",
        status_code=HTTP_202_ACCEPTED,
        operation_id="forgotPassword",
        summary="Ask for a password reset link",
        dependencies={"tenant_id": Provide(anonymous_tenant)},
        responses=problems(*AS_TENANT, "rate_limited"),
    )
    async def forgot_password(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        data: JSONBody[ForgotPasswordIn],
    ) -> AcceptedRead:
        """Mail a reset link (valid an hour, once) if an active account has this address; the same answer either
        way. Rate-limited per IP and per email."""
        await auth.forgot_password(tenant_id, data.email, ip=client_address(request))
        return accepted("if an account has this address, a reset link is on its way")

    @post(
        "/reset-password",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="resetPassword",
        summary="Set a new password from a reset link",
        responses=problems(*ANONYMOUS, "invalid_link", "weak_password", "tenant_suspended"),
    )
    async def reset_password(self, auth: NamedDependency[AuthService], data: JSONBody[ResetPasswordIn]) -> None:
        """Set a new password with the token of a reset link, which then stops working; every session of the
        account ends (refresh tokens revoked, access tokens refused), and the email counts as verified."""
        await auth.accounts.reset_password(data.token, data.password)
