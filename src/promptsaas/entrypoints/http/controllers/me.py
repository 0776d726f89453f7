"""The caller's account: who they are, their subscriptions and what those entitle them to; their password, email
verification and sessions."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from promptsaas.application.access import AccessService
from promptsaas.application.auth.service import AuthService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.controllers.auth import accepted, tokens_read
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.schemas.auth import AcceptedRead, PasswordChangeIn, TokensRead
from promptsaas.entrypoints.http.schemas.members import EntitlementsRead, MeRead
from promptsaas.entrypoints.http.views import pack_read, subscription_read, user_read


class MeController(MemberController):
    path = "/v1/me"
    tags = ["account"]

    @get("/", operation_id="getMe", summary="Show your account", responses=problems(*SIGNED_IN))
    async def me(self, access: NamedDependency[AccessService], caller: NamedDependency[Caller]) -> MeRead:
        """The caller, their subscriptions and the entitlements derived from them: which agents and channels they
        may use (`null` for all); and each credit pack in force with its remaining balance and expiry."""
        account = await access.account(caller.tenant_id, caller.user.id)
        packs = await access.pack_balances(caller.tenant_id, caller.user.id)
        return MeRead(
            user=user_read(caller.user),
            subscriptions=[subscription_read(s) for s in account.subscriptions],
            entitlements=EntitlementsRead(
                agents=sorted(account.entitlements.agents) if account.entitlements.agents is not None else None,
                channels=sorted(account.entitlements.channels) if account.entitlements.channels is not None else None,
            ),
            packs=[pack_read(p) for p in packs],
        )

    @post(
        "/password",
        status_code=HTTP_200_OK,
        operation_id="changePassword",
        summary="Change your password",
        responses=problems(*SIGNED_IN, "invalid_credentials", "weak_password"),
    )
    async def change_password(
        self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller], data: JSONBody[PasswordChangeIn]
    ) -> TokensRead:
        """Change the password, giving the current one: every session ends (this one too), and the answer is a
        new pair of tokens for this client."""
        pair = await auth.accounts.change_password(
            caller.tenant_id, caller.user.id, data.current_password, data.new_password
        )
        return tokens_read(pair)

    @post(
        "/sign-out-everywhere",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="signOutEverywhere",
        summary="Sign out of every session",
        responses=problems(*SIGNED_IN),
    )
    async def sign_out_everywhere(self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller]) -> None:
        """Revoke every refresh token of the account and refuse every access token issued before now (API keys
        are separate: revoke them at `/v1/me/api-keys`)."""
        await auth.accounts.sign_out_everywhere(caller.tenant_id, caller.user.id)

    @post(
        "/email-verification",
        status_code=HTTP_202_ACCEPTED,
        operation_id="requestEmailVerification",
        summary="Mail a new verification link",
        responses=problems(*SIGNED_IN),
    )
    async def request_verification(
        self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller]
    ) -> AcceptedRead:
        """Mail a new verification link to the account's address (nothing when it is verified already)."""
        sent = await auth.accounts.request_verification(caller.tenant_id, caller.user.id)
        return accepted("a verification link is on its way" if sent else "this email is verified already")
