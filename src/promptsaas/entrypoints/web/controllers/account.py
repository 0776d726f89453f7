"""Sign up, log in and log out: forms over `AuthService` (the API's sign-up, under the tenant's sign-up mode); the
session lives in HttpOnly cookies."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_202_ACCEPTED

from promptsaas.application.admin import AdminService
from promptsaas.application.auth.oauth_redirect import OAuthRedirect
from promptsaas.application.auth.service import AuthService
from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.web.pages import page
from promptsaas.entrypoints.web.session import REFRESH, checked_form, current_user, forget, remember

DEFAULT_WORKSPACE = "demo"


def _ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _next(target: str | None) -> str:
    """Only a path of this site (never `//host`) is a place to go after logging in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


async def default_workspace(admin: AdminService, asked: str | None) -> str:
    """The workspace a form starts with: the one asked for, the only one, or the demo's."""
    if asked:
        return asked
    tenants = await admin.tenants()
    return tenants[0].slug if len(tenants) == 1 else DEFAULT_WORKSPACE


class AccountController(Controller):
    include_in_schema = False
    dependencies = {"form": Provide(checked_form)}

    @get("/login")
    async def login_page(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        oauth_redirect: NamedDependency[OAuthRedirect],
        next: Annotated[str | None, QueryParameter(max_length=500)] = None,
    ) -> Template | Redirect:
        if await current_user(request) is not None:
            return Redirect(path=_next(next))
        workspace = await default_workspace(admin, request.query_params.get("workspace"))
        buttons = oauth_redirect.providers()
        return page(request, "login.html", workspace=workspace, next=_next(next), email="", providers=buttons)

    @post("/login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
        oauth_redirect: NamedDependency[OAuthRedirect],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        workspace, email = form.get("workspace", "").strip(), form.get("email", "").strip()
        try:
            tenant = await admin.tenant(workspace)
            pair = await auth.login(tenant.id, email, form.get("password", ""), ip=_ip(request))
        except DomainError as error:
            context: dict[str, Any] = {
                "workspace": workspace,
                "email": email,
                "next": _next(form.get("next")),
                "error": error.message,
                "providers": oauth_redirect.providers(),
            }
            return page(request, "login.html", 400, **context)
        remember(request, pair)
        return Redirect(path=_next(form.get("next")))

    @get(["/signup", "/sign-up"])
    async def signup_page(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        oauth_redirect: NamedDependency[OAuthRedirect],
        invite: Annotated[str | None, QueryParameter(max_length=2000)] = None,
    ) -> Template:
        workspace = await default_workspace(admin, request.query_params.get("workspace"))
        context: dict[str, Any] = {"workspace": workspace, "email": "", "display_name": "", "invite": invite or ""}
        return page(request, "signup.html", providers=oauth_redirect.providers(), **context)

    @post("/signup")
    async def signup(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
        oauth_redirect: NamedDependency[OAuthRedirect],
        form: NamedDependency[dict[str, str]],
    ) -> Template:
        """The API's sign-up under the tenant's mode: the same page whether the address has an account, and no
        session (the new member logs in, after verifying in `verified` mode)."""
        workspace, email = form.get("workspace", "").strip(), form.get("email", "").strip()
        name, invite = form.get("display_name", "").strip(), form.get("invite", "").strip() or None
        try:
            tenant = await admin.tenant(workspace)
            await auth.sign_up(
                tenant.id, email, form.get("password", ""), display_name=name, invite=invite, ip=_ip(request)
            )
        except DomainError as error:
            context: dict[str, Any] = {
                "workspace": workspace,
                "email": email,
                "display_name": name,
                "invite": invite or "",
                "error": error.message,
                "providers": oauth_redirect.providers(),
            }
            return page(request, "signup.html", 400, **context)
        return page(request, "signup_sent.html", HTTP_202_ACCEPTED, workspace=workspace)

    @post("/logout")
    async def logout(
        self, request: Request[Any, Any, Any], auth: NamedDependency[AuthService], form: NamedDependency[dict[str, str]]
    ) -> Redirect:
        refresh = request.cookies.get(REFRESH)
        if refresh:
            await auth.logout(refresh)
        forget(request)
        return Redirect(path="/login")
