"""Register, log in, refresh, log out, and OAuth sign-in (anonymous: the tenant comes from `X-Tenant`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from promptsaas.application.auth.service import AuthService
from promptsaas.entrypoints.http.caller import anonymous_tenant
from promptsaas.entrypoints.http.openapi import ANONYMOUS, AS_TENANT, problems
from promptsaas.entrypoints.http.parameters import SignInProvider
from promptsaas.entrypoints.http.schemas.auth import AcceptedRead, LoginIn, OAuthIn, RefreshIn, RegisterIn, TokensRead

SESSION_ENDS = (*ANONYMOUS, "invalid_token", "refresh_token_reused", "tenant_suspended")


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address: the socket peer, or the forwarded client behind a proxy that `serve` trusts
    (`--proxy-headers --forwarded-allow-ips`, which rewrite the peer before the app sees it)."""
    return request.client.host if request.client else "unknown"


def accepted(message: str) -> AcceptedRead:
    return AcceptedRead(status="accepted", message=message)


def tokens_read(pair: Any) -> TokensRead:
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
        status_code=HTTP_202_ACCEPTED,
        operation_id="register",
        summary="Create a member account",
        responses=problems(*AS_TENANT, "weak_password", "signup_closed", "invite_required", "rate_limited"),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        data: JSONBody[RegisterIn],
    ) -> AcceptedRead:
        """Create a member account with a password in the `X-Tenant` tenant, under its sign-up mode (`invite` needs
        the invite's token). The answer is the same whether the address already has an account: a new account gets
        a verification mail, an existing one's owner a warning. Then log in (after verifying, in `verified` mode).
        Registrations are rate-limited per IP and per email."""
        await auth.sign_up(
            tenant_id,
            data.email,
            data.password,
            display_name=data.display_name or "",
            invite=data.invite,
            ip=client_address(request),
        )
        return accepted("check your mailbox: the next step is in the mail we sent")

    @post(
        "/login",
        status_code=HTTP_200_OK,
        operation_id="logIn",
        summary="Log in with email and password",
        responses=problems(*AS_TENANT, "invalid_credentials", "email_verification_required", "rate_limited"),
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        data: JSONBody[LoginIn],
    ) -> TokensRead:
        """Exchange email and password for an access token and a refresh token. An unknown email and a wrong
        password answer alike (401 `invalid_credentials`); failed attempts are limited per IP, per email and IP, and
        per email (an IP that signed in to it before still gets in)."""
        return tokens_read(await auth.login(tenant_id, data.email, data.password, ip=client_address(request)))

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
        return tokens_read(await auth.refresh(data.refresh_token))

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
        responses=problems(*AS_TENANT, "invalid_token", "email_not_verified", "signup_closed", "invite_required"),
    )
    async def oauth(
        self,
        auth: NamedDependency[AuthService],
        tenant_id: NamedDependency[str],
        provider: SignInProvider,
        data: JSONBody[OAuthIn],
    ) -> TokensRead:
        """Sign in with a Google or Apple ID token, verified against the provider's keys; the user is created on
        first sign-in (unless the sign-up mode forbids), or linked to the account with the same verified email; an
        account whose email was never verified loses its password, sessions and API keys on linking."""
        return tokens_read(await auth.oauth_sign_in(tenant_id, provider, data.id_token, data.nonce))
