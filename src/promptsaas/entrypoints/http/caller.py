"""Who is calling: a user from an access token or an API key, or an anonymous request naming its tenant.

Authentication runs as a guard, before the body is read, so a bad credential is a 401 (and a member on an admin
route a 403) whatever the body holds; the `caller` dependency then reads what the guard found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import HeaderParameter

from promptsaas.application.access import require_admin
from promptsaas.application.admin import AdminService
from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import InvalidInput, InvalidToken
from promptsaas.domain.users import User
from promptsaas.entrypoints.composition.container import Container

API_KEY_PREFIX = "psk_"
TOKEN_CHANNELS = {"web": Channel.WEB, "mobile": Channel.MOBILE}
SIGNED_IN: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
"""The OpenAPI security of member and admin routes: an access token or API key as a bearer token, or `X-API-Key`."""
OPTIONALLY_SIGNED_IN = [*SIGNED_IN, {}]

ChannelHeader = Annotated[
    Literal["web", "mobile"] | None,
    HeaderParameter(name="X-Channel", description="The token client's channel (default `web`); API keys are `api`."),
]
TenantHeader = Annotated[
    str | None,
    HeaderParameter(name="X-Tenant", max_length=64, description="The tenant's slug, on anonymous requests."),
]


@dataclass(frozen=True, slots=True)
class Identity:
    user: User
    by_api_key: bool


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    channel: Channel

    @property
    def tenant_id(self) -> str:
        return self.user.tenant_id


def container_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Container:
    return connection.app.state["container"]  # type: ignore[no-any-return]


def _credential(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise InvalidToken("the Authorization header must be 'Bearer <token>'")
        return value.strip()
    return connection.headers.get("x-api-key") or None


async def _identify(connection: ASGIConnection[Any, Any, Any, Any]) -> Identity:
    found = connection.state.get("identity")
    if isinstance(found, Identity):
        return found
    credential = _credential(connection)
    if credential is None:
        raise InvalidToken("authentication required: send 'Authorization: Bearer <token or API key>'")
    auth = container_of(connection).auth()
    if credential.startswith(API_KEY_PREFIX):
        identity = Identity(await auth.authenticate_api_key(credential), by_api_key=True)
    else:
        identity = Identity(await auth.authenticate(credential), by_api_key=False)
    connection.state["identity"] = identity
    return identity


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a valid access token or API key."""
    await _identify(connection)


async def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: a valid credential of a user the application's admin rule lets through (403 `forbidden` otherwise)."""
    require_admin((await _identify(connection)).user)


async def member(request: Request[Any, Any, Any], x_channel: ChannelHeader = None) -> Caller:
    """The authenticated caller; channel `api` for API keys, `X-Channel` (web|mobile) for tokens."""
    identity = await _identify(request)
    if identity.by_api_key:
        return Caller(identity.user, Channel.API)
    return Caller(identity.user, TOKEN_CHANNELS[x_channel or "web"])


async def anonymous_tenant(
    request: Request[Any, Any, Any], admin: NamedDependency[AdminService], x_tenant: TenantHeader = None
) -> str:
    """The tenant of an anonymous request, from the `X-Tenant` header (a slug); kept in the request's state as
    `tenant` for its access line (a sign-in, a registration or a reset has no identity to name it)."""
    if not x_tenant:
        raise InvalidInput("the X-Tenant header (the tenant's slug) is required", field="X-Tenant")
    tenant = await admin.tenant(x_tenant)
    request.state["tenant"] = tenant.id
    return tenant.id


async def tenant_of_request(
    request: Request[Any, Any, Any], admin: NamedDependency[AdminService], x_tenant: TenantHeader = None
) -> str:
    """The caller's tenant when authenticated, else the `X-Tenant` one."""
    if _credential(request) is not None:
        return (await _identify(request)).user.tenant_id
    return await anonymous_tenant(request, admin, x_tenant)
