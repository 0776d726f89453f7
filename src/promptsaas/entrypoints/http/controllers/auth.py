"""Register, log in, refresh, log out, and OAuth sign-in (anonymous: the tenant comes from `X-Tenant`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from promptsaas.application.auth.service import AuthService
from promptsaas.entrypoints.http.caller import anonymous_tenant
from promptsaas.entrypoints.http.openapi import ANONYMOUS, AS_TENANT, problems
from promptsaas.entrypoints.http.parameters import SignInProvider
from promptsaas.entrypoints.http.schemas.auth import LoginIn, OAuthIn, RefreshIn, RegisterIn, SessionRead, TokensRead
from promptsaas.entrypoints.http.views import user_read

SESSION_ENDS = (*ANONYMOUS, "invalid_token", "refresh_token_reused", "tenant_suspended")


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

    @post(
        "/register",
        status_code=HTTP_201_CREATED,
        operation_id="register",
        summary="Create a member account",
        responses=problems(*AS_TENANT, "weak_password", "user_exists", "rate_limited"),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        data: JSONBody[RegisterIn],
    ) -> SessionRead:
        """Create a member account with a password in the `X-Tenant` tenant, on its default plan; returns the user
        and a first pair of tokens. Registrations are rate-limited per IP and per email."""
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

    @post(
        "/login",
        status_code=HTTP_200_OK,
        operation_id="logIn",
        summary="Log in with email and password",
        responses=problems(*AS_TENANT, "invalid_credentials", "rate_limited"),
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        data: JSONBody[LoginIn],
    ) -> TokensRead:
        """Exchange email and password for an access token and a refresh token. An unknown email and a wrong
        password answer alike (401 `invalid_credentials`); attempts are rate-limited per IP and per email."""
        return _tokens(await auth.login(tenant_id, data.email, data.password, ip=_ip(request)))

    @post(
        "/refresh",
        status_code=HTTP_200_OK,
        operation_id="refreshTokens",
        summary="Trade a refresh token for a new pair",
        responses=problems(*SESSION_ENDS),
    )
    async def refresh(self, auth: NamedDependency[AuthService], data: JSONBody[RefreshIn]) -> TokensRead:
        """Rotate a refresh token: the answer is a new access token and a new refresh token, and the old one is
        spent. Presenting a spent one revokes every token of that sign-in (401 `refresh_token_reused`)."""
        return _tokens(await auth.refresh(data.refresh_token))

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="logOut",
        summary="Revoke a refresh token",
        responses=problems(*ANONYMOUS),
    )
    async def logout(self, auth: NamedDependency[AuthService], data: JSONBody[RefreshIn]) -> None:
        """Revoke a refresh token and every token of its sign-in; an unknown token is ignored."""
        await auth.logout(data.refresh_token)

    @post(
        "/oauth/{provider:str}",
        status_code=HTTP_200_OK,
        operation_id="signInWithIdToken",
        summary="Sign in with Google or Apple",
        responses=problems(*AS_TENANT, "invalid_token", "email_not_verified"),
    )
    async def oauth(
        self,
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        provider: SignInProvider,
        data: JSONBody[OAuthIn],
    ) -> TokensRead:
        """Sign in with a Google or Apple ID token, verified against the provider's keys; the user is created on
        first sign-in, or linked to the account with the same verified email."""
        return _tokens(await auth.oauth_sign_in(tenant_id, provider, data.id_token, data.nonce))
