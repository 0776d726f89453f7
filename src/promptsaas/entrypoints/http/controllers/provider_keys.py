"""The caller's own provider keys (BYOK): stored encrypted, listed by their last four characters, never shown."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.base import Read
from promptsaas.entrypoints.http.schemas.base import Request as Body


class ProviderKeyPut(Body):
    api_key: str


class ProviderKeyRead(Read):
    provider: str
    last4: str
    created_at: str
    invalid: bool
    """The provider rejected this key: it funds nothing until replaced."""


class ProviderKeysController(MemberController):
    path = "/v1/me/provider-keys"
    tags = ["account"]

    @get("/", responses=errors(401))
    async def provider_keys(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]
    ) -> list[ProviderKeyRead]:
        keys = await container_of(request).provider_keys().provider_keys(caller.tenant_id, caller.user.id)
        return [
            ProviderKeyRead(provider=k.provider, last4=k.last4, created_at=k.created_at.isoformat(), invalid=k.invalid)
            for k in keys
        ]

    @put("/{provider:str}", status_code=HTTP_204_NO_CONTENT, responses=errors(401))
    async def set_provider_key(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        provider: FromPath[str],
        data: JSONBody[ProviderKeyPut],
    ) -> None:
        """Store (or replace) your key for a provider; it funds calls once your plan's quota is used up."""
        service = container_of(request).provider_keys()
        await service.set_provider_key(caller.tenant_id, caller.user.id, provider, data.api_key)

    @delete("/{provider:str}", status_code=HTTP_204_NO_CONTENT, responses=errors(401, 404))
    async def delete_provider_key(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], provider: FromPath[str]
    ) -> None:
        await container_of(request).provider_keys().delete_provider_key(caller.tenant_id, caller.user.id, provider)
