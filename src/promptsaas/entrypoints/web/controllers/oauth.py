""" "Continue with Google / Apple": a redirect to the provider, and its answer turned into the session cookies.

The sign-in ticket (state, nonce, PKCE verifier) travels in a sealed, HttpOnly cookie that lives ten minutes. Apple
answers with a cross-site form POST, which carries no CSRF token and, under HTTPS, only `SameSite=None` cookies:
that callback is protected by the state instead.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from promptsaas.application.admin import AdminService
from promptsaas.application.auth.oauth_redirect import TICKET_TTL, OAuthRedirect, ProviderAnswer
from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.web.controllers.account import _next, default_workspace
from promptsaas.entrypoints.web.pages import page
from promptsaas.entrypoints.web.session import bag_of, remember

TICKET = "ps_oauth"


def _ticket_cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> None:
    bag = bag_of(request)
    bag.cookies.append(
        Cookie(
            key=TICKET,
            value=value,
            max_age=max_age,
            path="/login",
            httponly=True,
            secure=bag.secure,
            samesite="none" if bag.secure else "lax",
        )
    )


class OAuthController(Controller):
    path = "/login/{provider:str}"
    include_in_schema = False

    @get("/")
    async def start(
        self,
        request: Request[Any, Any, Any],
        provider: FromPath[str],
        oauth_redirect: NamedDependency[OAuthRedirect],
        admin: NamedDependency[AdminService],
        workspace: Annotated[str | None, QueryParameter(max_length=100)] = None,
        next: Annotated[str | None, QueryParameter(max_length=500)] = None,
    ) -> Redirect | Template:
        chosen = await default_workspace(admin, workspace)
        try:
            started = oauth_redirect.start(provider, chosen, _next(next))
        except DomainError as error:
            return _refused(request, oauth_redirect, chosen, error)
        _ticket_cookie(request, started.ticket, int(TICKET_TTL.total_seconds()))
        return Redirect(path=started.url)

    @get("/callback")
    async def returned(
        self,
        request: Request[Any, Any, Any],
        provider: FromPath[str],
        oauth_redirect: NamedDependency[OAuthRedirect],
        admin: NamedDependency[AdminService],
    ) -> Redirect | Template:
        return await _finish(request, provider, oauth_redirect, admin, dict(request.query_params))

    @post("/callback")
    async def posted_back(
        self,
        request: Request[Any, Any, Any],
        provider: FromPath[str],
        oauth_redirect: NamedDependency[OAuthRedirect],
        admin: NamedDependency[AdminService],
    ) -> Redirect | Template:
        """Apple's `form_post` answer: no CSRF token (it comes from Apple), the state stands in for one."""
        form = await request.form()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        return await _finish(request, provider, oauth_redirect, admin, fields)


async def _finish(
    request: Request[Any, Any, Any],
    provider: str,
    oauth_redirect: OAuthRedirect,
    admin: AdminService,
    fields: dict[str, Any],
) -> Redirect | Template:
    answer = ProviderAnswer(
        state=str(fields.get("state", "")), code=str(fields.get("code", "")), error=str(fields.get("error", ""))
    )
    _ticket_cookie(request, "", 0)
    try:
        finished = await oauth_redirect.finish(request.cookies.get(TICKET), provider, answer)
    except DomainError as error:
        return _refused(request, oauth_redirect, await default_workspace(admin, None), error)
    remember(request, finished.tokens)
    return Redirect(path=_next(finished.next), status_code=303)


def _refused(
    request: Request[Any, Any, Any], oauth_redirect: OAuthRedirect, workspace: str, error: DomainError
) -> Template:
    """The login page with the problem's message, and its buttons to try again."""
    context: dict[str, Any] = {"workspace": workspace, "email": "", "next": "/", "error": error.message}
    context["providers"] = oauth_redirect.providers()
    return page(request, "login.html", 400, **context)
