"""Web sessions: the token pair in HttpOnly cookies over `AuthService`, a double-submit CSRF token, and the
security headers every page carries (a Content-Security-Policy that allows no inline script)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, cast

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from promptsaas.application.access import require_admin
from promptsaas.application.auth.sessions import TokenPair
from promptsaas.domain.errors import DomainError, InvalidToken
from promptsaas.domain.users import User
from promptsaas.entrypoints.http.caller import container_of

ACCESS = "ps_access"
REFRESH = "ps_refresh"
CSRF = "ps_csrf"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
REFRESH_MAX_AGE = 30 * 24 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
CHECKOUT_CSP = CSP.replace("form-action 'self'", "form-action 'self' https:")
"""The plans page's policy: its forms redirect to the payment provider's hosted pages (Chromium checks the redirect)."""
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
BAG = "promptsaas.web"


class SignedOut(Exception):
    """No valid session cookie: the page answers with a redirect to the login page."""


class CsrfRefused(DomainError):
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__("the form expired or did not come from this site; reload the page and try again")


@dataclass
class Bag:
    """What one web request carries to its response: the CSRF token, cookies to set, the signed-in user."""

    csrf: str
    csrf_sent: str | None
    secure: bool
    cookies: list[Cookie] = field(default_factory=list)
    user: User | None = None


def bag_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Bag:
    return cast(Bag, cast(dict[str, Any], connection.scope)[BAG])


def _cookie(key: str, value: str, max_age: int, secure: bool) -> Cookie:
    return Cookie(key=key, value=value, max_age=max_age, path="/", httponly=True, secure=secure, samesite="lax")


def remember(connection: ASGIConnection[Any, Any, Any, Any], pair: TokenPair) -> None:
    """Keep a token pair in the session cookies of this response."""
    bag = bag_of(connection)
    bag.cookies.append(_cookie(ACCESS, pair.access_token, pair.expires_in, bag.secure))
    bag.cookies.append(_cookie(REFRESH, pair.refresh_token, REFRESH_MAX_AGE, bag.secure))


def forget(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Clear the session cookies."""
    bag = bag_of(connection)
    bag.cookies.extend(_cookie(name, "", 0, bag.secure) for name in (ACCESS, REFRESH))


async def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """The user of the session cookies, refreshing an expired access token with the refresh token; None if none."""
    bag = bag_of(connection)
    if bag.user is not None:
        return bag.user
    auth = container_of(connection).auth()
    access = connection.cookies.get(ACCESS)
    if access:
        try:
            bag.user = await auth.authenticate(access)
            return bag.user
        except InvalidToken:
            pass
    refresh = connection.cookies.get(REFRESH)
    if not refresh:
        return None
    try:
        pair = await auth.refresh(refresh)
        bag.user = await auth.authenticate(pair.access_token)
    except DomainError:
        forget(connection)
        return None
    remember(connection, pair)
    return bag.user


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a session of an active user, else a redirect to the login page."""
    if await current_user(connection) is None:
        raise SignedOut


async def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a session of a user the application's admin rule lets through (403 page otherwise)."""
    user = await current_user(connection)
    if user is None:
        raise SignedOut
    require_admin(user)


async def signed_user(request: Request[Any, Any, Any]) -> User:
    """The `user` dependency of guarded pages."""
    user = await current_user(request)
    if user is None:
        raise SignedOut
    return user


async def checked_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The `form` dependency of every POST: its fields, once the double-submit CSRF token matched the cookie."""
    form = await request.form()
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    cookie = bag_of(request).csrf_sent
    if not cookie or not hmac.compare_digest(str(sent), cookie):
        raise CsrfRefused
    return {key: value for key, value in form.items() if isinstance(value, str)}


class WebSession(ASGIMiddleware):
    """Opens the request's `Bag` (minting a CSRF cookie on first visit) and writes its cookies and the security
    headers onto the response."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        jar: SimpleCookie = SimpleCookie()
        for name, value in scope["headers"]:
            if name == b"cookie":
                jar.load(value.decode("latin-1"))
        sent = jar[CSRF].value if CSRF in jar else None
        secure = scope.get("scheme") == "https"
        bag = Bag(csrf=sent or secrets.token_urlsafe(32), csrf_sent=sent, secure=secure)
        if sent is None:
            bag.cookies.append(_cookie(CSRF, bag.csrf, REFRESH_MAX_AGE, secure))
        cast(dict[str, Any], scope)[BAG] = bag

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                policy = headers.get("content-security-policy")  # a page may send a wider form-action
                for name, value in HEADERS.items():
                    headers[name] = value
                if policy == CHECKOUT_CSP:
                    headers["content-security-policy"] = policy
                headers.setdefault("cache-control", "no-store")
                for cookie in bag.cookies:
                    headers.add("set-cookie", cookie.to_header(header=""))
            await send(message)

        await next_app(scope, receive, sending)
