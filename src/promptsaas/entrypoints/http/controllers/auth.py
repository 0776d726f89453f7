"""Register, log in, refresh, log out, and OAuth sign-in (anonymous: the tenant comes from `X-Tenant`)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from promptsaas.entrypoints.http.caller import anonymous_tenant, container_of
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.auth import LoginIn, OAuthIn, RefreshIn, RegisterIn, SessionRead, TokensRead
from promptsaas.entrypoints.http.views import user_read


def _ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _tokens(pair: Any) -> TokensRead:
    return TokensRead(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        token_type=pair.token_type,
        expires_in=pair.expires_in,
    )


class AuthController(Controller):
    path = "/v1/auth"
    tags = ["auth"]
    dependencies = {"tenant_id": Provide(anonymous_tenant)}

    @post("/register", status_code=HTTP_201_CREATED, responses=errors(400, 403, 404, 409, 429))
    async def register(
        self, request: Request[Any, Any, Any], tenant_id: NamedDependency[str], data: JSONBody[RegisterIn]
    ) -> SessionRead:
        """Create a member account with a password; returns the user and a first pair of tokens."""
        auth = container_of(request).auth()
        user = await auth.register(
            tenant_id, data.email, data.password, display_name=data.display_name or "", ip=_ip(request)
        )
        pair = await auth.issue_tokens(user)
        return SessionRead(
            user=user_read(user),
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            token_type=pair.token_type,
            expires_in=pair.expires_in,
        )

    @post("/login", status_code=HTTP_200_OK, responses=errors(400, 401, 404, 429))
    async def login(
        self, request: Request[Any, Any, Any], tenant_id: NamedDependency[str], data: JSONBody[LoginIn]
    ) -> TokensRead:
        """Exchange email and password for tokens (401 `invalid_credentials` alike for unknown email or password)."""
        pair = await container_of(request).auth().login(tenant_id, data.email, data.password, ip=_ip(request))
        return _tokens(pair)

    @post("/refresh", status_code=HTTP_200_OK, responses=errors(400, 401))
    async def refresh(self, request: Request[Any, Any, Any], data: JSONBody[RefreshIn]) -> TokensRead:
        """Rotate a refresh token; presenting a used one revokes its family (401 `refresh_token_reused`)."""
        return _tokens(await container_of(request).auth().refresh(data.refresh_token))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, responses=errors(400))
    async def logout(self, request: Request[Any, Any, Any], data: JSONBody[RefreshIn]) -> None:
        """Revoke a refresh token and its family."""
        await container_of(request).auth().logout(data.refresh_token)

    @post("/oauth/{provider:str}", status_code=HTTP_200_OK, responses=errors(400, 401, 404))
    async def oauth(
        self,
        request: Request[Any, Any, Any],
        tenant_id: NamedDependency[str],
        provider: FromPath[Literal["google", "apple"]],
        data: JSONBody[OAuthIn],
    ) -> TokensRead:
        """Sign in with a Google or Apple ID token; the user is created on first sign-in."""
        pair = await container_of(request).auth().oauth_sign_in(tenant_id, provider, data.id_token, data.nonce)
        return _tokens(pair)
