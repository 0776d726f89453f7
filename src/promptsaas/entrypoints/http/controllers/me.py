"""The caller's account: who they are, their subscriptions and what those entitle them to."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from promptsaas.application.access import AccessService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.schemas.members import EntitlementsRead, MeRead
from promptsaas.entrypoints.http.views import subscription_read, user_read


class MeController(MemberController):
    path = "/v1/me"
    tags = ["account"]

    @get("/", operation_id="getMe", summary="Show your account", responses=problems(*SIGNED_IN))
    async def me(self, access: NamedDependency[AccessService], caller: NamedDependency[Caller]) -> MeRead:
        """The caller, their subscriptions and the entitlements derived from them: which agents and channels they
        may use (`null` for all)."""
        account = await access.account(caller.tenant_id, caller.user.id)
        return MeRead(
            user=user_read(caller.user),
            subscriptions=[subscription_read(s) for s in account.subscriptions],
            entitlements=EntitlementsRead(
                agents=sorted(account.entitlements.agents) if account.entitlements.agents is not None else None,
                channels=sorted(account.entitlements.channels) if account.entitlements.channels is not None else None,
            ),
        )
