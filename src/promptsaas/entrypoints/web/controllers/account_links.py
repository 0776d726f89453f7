"""The pages the account mails link to: confirm an email, ask for a reset link, set a new password. Each one calls
the API's service (`auth.accounts`, `auth.forgot_password`) and shows its message when a link does not work.

Opening a link changes nothing: a page holds a form the person sends (CSRF-checked), so a mail scanner that
prefetches links neither confirms an address nor uses up a reset link."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Template
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_400_BAD_REQUEST

from promptsaas.application.admin import AdminService
from promptsaas.application.auth.service import AuthService
from promptsaas.domain.errors import DomainError, InvalidLink
from promptsaas.domain.users import User
from promptsaas.entrypoints.http.controllers.auth import client_address
from promptsaas.entrypoints.web.controllers.account import default_workspace
from promptsaas.entrypoints.web.pages import page
from promptsaas.entrypoints.web.session import checked_form

Token = Annotated[str | None, QueryParameter(max_length=4000)]
PASSWORDS_DIFFER = "the two passwords differ; type the same new password twice"


async def _workspace_of(admin: AdminService, user: User) -> str:
    return (await admin.tenant_by_id(user.tenant_id)).slug


class AccountLinksController(Controller):
    include_in_schema = False
    dependencies = {"form": Provide(checked_form)}

    @get("/verify-email")
    async def verify_email_page(self, request: Request[Any, Any, Any], token: Token = None) -> Template:
        """A confirm button carrying the link's token; nothing is verified until it is pressed."""
        if not token:
            return page(request, "verify_email.html", HTTP_400_BAD_REQUEST, token="", error=InvalidLink().message)
        return page(request, "verify_email.html", token=token)

    @post("/verify-email")
    async def verify_email(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
        form: NamedDependency[dict[str, str]],
    ) -> Template:
        try:
            user = await auth.accounts.verify_email(form.get("token", ""))
        except DomainError as error:
            return page(request, "verify_email.html", HTTP_400_BAD_REQUEST, token="", error=error.message)
        return page(request, "verify_email.html", done=True, workspace=await _workspace_of(admin, user))

    @get("/forgot-password")
    async def forgot_password_page(
        self, request: Request[Any, Any, Any], admin: NamedDependency[AdminService]
    ) -> Template:
        workspace = await default_workspace(admin, request.query_params.get("workspace"))
        return page(request, "forgot_password.html", workspace=workspace, email="")

    @post("/forgot-password")
    async def forgot_password(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
        form: NamedDependency[dict[str, str]],
    ) -> Template:
        """The API's reset request: the same page whether or not an account has the address."""
        workspace, email = form.get("workspace", "").strip(), form.get("email", "").strip()
        try:
            tenant = await admin.tenant(workspace)
            await auth.forgot_password(tenant.id, email, ip=client_address(request))
        except DomainError as error:
            context: dict[str, Any] = {"workspace": workspace, "email": email, "error": error.message}
            return page(request, "forgot_password.html", HTTP_400_BAD_REQUEST, **context)
        return page(request, "forgot_password.html", HTTP_202_ACCEPTED, workspace=workspace, sent=True)

    @get("/reset-password")
    async def reset_password_page(
        self, request: Request[Any, Any, Any], auth: NamedDependency[AuthService], token: Token = None
    ) -> Template:
        """The new-password form, or the link's problem (expired, forged, used) before anything is typed."""
        try:
            await auth.accounts.check_reset_link(token or "")
        except DomainError as error:
            return page(request, "reset_password.html", HTTP_400_BAD_REQUEST, token="", error=error.message)
        return page(request, "reset_password.html", token=token)

    @post("/reset-password")
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
        form: NamedDependency[dict[str, str]],
    ) -> Template:
        """The API's reset: the link stops working and every session of the account ends."""
        token, password = form.get("token", ""), form.get("password", "")
        if password != form.get("password_again", ""):
            return page(request, "reset_password.html", HTTP_400_BAD_REQUEST, token=token, error=PASSWORDS_DIFFER)
        try:
            user = await auth.accounts.reset_password(token, password)
        except InvalidLink as error:
            return page(request, "reset_password.html", HTTP_400_BAD_REQUEST, token="", error=error.message)
        except DomainError as error:
            return page(request, "reset_password.html", HTTP_400_BAD_REQUEST, token=token, error=error.message)
        return page(request, "reset_password.html", done=True, workspace=await _workspace_of(admin, user))
