"""The caller's account, entitlements and API keys."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.members import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    EntitlementsRead,
    MeRead,
)
from promptsaas.entrypoints.http.views import api_key_read, iso, subscription_read, user_read


class MeController(MemberController):
    path = "/v1/me"
    tags = ["account"]

    @get("/", responses=errors(401))
    async def me(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> MeRead:
        """The caller, their subscriptions and the entitlements derived from them."""
        account = await container_of(request).access().account(caller.tenant_id, caller.user.id)
        return MeRead(
            user=user_read(caller.user),
            subscriptions=[subscription_read(s) for s in account.subscriptions],
            entitlements=EntitlementsRead(
                agents=sorted(account.entitlements.agents) if account.entitlements.agents is not None else None,
                channels=sorted(account.entitlements.channels) if account.entitlements.channels is not None else None,
            ),
        )

    @get("/api-keys", responses=errors(401))
    async def api_keys(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[ApiKeyRead]:
        keys = await container_of(request).auth().api_keys(caller.tenant_id, caller.user.id)
        return [api_key_read(k) for k in keys]

    @post("/api-keys", status_code=HTTP_201_CREATED, responses=errors(401))
    async def create_api_key(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], data: JSONBody[ApiKeyCreate]
    ) -> ApiKeyCreated:
        """Create a key; the key itself is shown in this response only."""
        key, secret = await container_of(request).auth().create_api_key(caller.tenant_id, caller.user.id, data.name)
        return ApiKeyCreated(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            created_at=key.created_at.isoformat(),
            last_used_at=iso(key.last_used_at),
            revoked=False,
            key=secret,
        )

    @delete("/api-keys/{key_id:str}", status_code=HTTP_204_NO_CONTENT, responses=errors(401, 404))
    async def revoke_api_key(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], key_id: FromPath[str]
    ) -> None:
        await container_of(request).auth().revoke_api_key(caller.tenant_id, caller.user.id, key_id)
