"""Sign up, log in and log out: forms over `AuthService`; the session lives in HttpOnly cookies."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from promptsaas.application.admin import AdminService
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


async def _workspace(admin: AdminService, asked: str | None) -> str:
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
        next: Annotated[str | None, QueryParameter(max_length=500)] = None,
    ) -> Template | Redirect:
        if await current_user(request) is not None:
            return Redirect(path=_next(next))
        workspace = await _workspace(admin, request.query_params.get("workspace"))
        return page(request, "login.html", workspace=workspace, next=_next(next), email="")

    @post("/login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
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
            }
            return page(request, "login.html", 400, **context)
        remember(request, pair)
        return Redirect(path=_next(form.get("next")))

    @get("/signup")
    async def signup_page(self, request: Request[Any, Any, Any], admin: NamedDependency[AdminService]) -> Template:
        workspace = await _workspace(admin, request.query_params.get("workspace"))
        return page(request, "signup.html", workspace=workspace, email="", display_name="")

    @post("/signup")
    async def signup(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        admin: NamedDependency[AdminService],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        workspace, email = form.get("workspace", "").strip(), form.get("email", "").strip()
        name = form.get("display_name", "").strip()
        try:
            tenant = await admin.tenant(workspace)
            user = await auth.register(tenant.id, email, form.get("password", ""), display_name=name, ip=_ip(request))
            pair = await auth.issue_tokens(user)
        except DomainError as error:
            context: dict[str, Any] = {
                "workspace": workspace,
                "email": email,
                "display_name": name,
                "error": error.message,
            }
            return page(request, "signup.html", 400, **context)
        remember(request, pair)
        return Redirect(path="/")

    @post("/logout")
    async def logout(
        self, request: Request[Any, Any, Any], auth: NamedDependency[AuthService], form: NamedDependency[dict[str, str]]
    ) -> Redirect:
        refresh = request.cookies.get(REFRESH)
        if refresh:
            await auth.logout(refresh)
        forget(request)
        return Redirect(path="/login")
