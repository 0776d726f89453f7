"""Who is calling: a user from an access token or an API key, or an anonymous request naming its tenant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request

from domain.channels import Channel
from domain.errors import Forbidden, InvalidInput, InvalidToken
from domain.users import Role, User
from entrypoints.container import Container

API_KEY_PREFIX = "psk_"
TOKEN_CHANNELS = {"web": Channel.WEB, "mobile": Channel.MOBILE}


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    channel: Channel

    @property
    def tenant_id(self) -> str:
        return self.user.tenant_id


def container_of(request: Request[Any, Any, Any]) -> Container:
    return request.app.state["container"]  # type: ignore[no-any-return]


def _credential(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise InvalidToken("the Authorization header must be 'Bearer <token>'")
        return value.strip()
    return request.headers.get("x-api-key") or None


async def member(request: Request[Any, Any, Any]) -> Caller:
    """The authenticated caller; channel `api` for API keys, `X-Channel` (web|mobile) for tokens."""
    credential = _credential(request)
    if credential is None:
        raise InvalidToken("authentication required: send 'Authorization: Bearer <token or API key>'")
    auth = container_of(request).auth()
    if credential.startswith(API_KEY_PREFIX):
        return Caller(await auth.authenticate_api_key(credential), Channel.API)
    user = await auth.authenticate(credential)
    channel = TOKEN_CHANNELS.get(request.headers.get("x-channel", "web").lower())
    if channel is None:
        raise InvalidInput("X-Channel must be web or mobile", field="X-Channel")
    return Caller(user, channel)


async def admin(caller: Caller) -> Caller:
    if caller.user.role is not Role.ADMIN:
        raise Forbidden("this needs the admin role")
    return caller


async def anonymous_tenant(request: Request[Any, Any, Any]) -> str:
    """The tenant of an anonymous request, from the `X-Tenant` header (a slug)."""
    slug = request.headers.get("x-tenant")
    if not slug:
        raise InvalidInput("the X-Tenant header (the tenant's slug) is required", field="X-Tenant")
    tenant = await container_of(request).admin().tenant(slug)
    return tenant.id


async def tenant_of_request(request: Request[Any, Any, Any]) -> str:
    """The caller's tenant when authenticated, else the `X-Tenant` one."""
    if _credential(request) is not None:
        return (await member(request)).tenant_id
    return await anonymous_tenant(request)
