"""The caller's own provider keys (BYOK): stored encrypted, listed by their last four characters, never shown."""

from __future__ import annotations

from litestar import Response, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import Provider
from promptsaas.entrypoints.http.schemas.members import ProviderKeyPut, ProviderKeyRead


class ProviderKeysController(MemberController):
    path = "/v1/me/provider-keys"
    tags = ["account"]

    @get(
        "/",
        operation_id="listProviderKeys",
        summary="List your provider keys",
        responses=problems(*SIGNED_IN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def provider_keys(
        self,
        provider_keys: NamedDependency[ProviderKeyService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[ProviderKeyRead]]:
        """Your own keys for LLM providers, by provider and last four characters, a page at a time; `invalid` when
        the provider rejected one."""
        keys = await provider_keys.provider_keys_page(caller.tenant_id, caller.user.id, page_request(limit, cursor))
        return paged(
            [
                ProviderKeyRead(
                    provider=k.provider, last4=k.last4, created_at=k.created_at.isoformat(), invalid=k.invalid
                )
                for k in keys.items
            ],
            keys.next_cursor,
        )

    @put(
        "/{provider:str}",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="setProviderKey",
        summary="Store your key for a provider",
        responses=problems(*SIGNED_IN, "unknown_provider"),
    )
    async def set_provider_key(
        self,
        provider_keys: NamedDependency[ProviderKeyService],
        caller: NamedDependency[Caller],
        provider: Provider,
        data: JSONBody[ProviderKeyPut],
    ) -> None:
        """Store (or replace) your key for a provider, encrypted; it funds your calls once your plan's quota is
        used up, where the plan allows it."""
        await provider_keys.set_provider_key(caller.tenant_id, caller.user.id, provider, data.api_key)

    @delete(
        "/{provider:str}",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="deleteProviderKey",
        summary="Delete your key for a provider",
        responses=problems(*SIGNED_IN, "provider_key_not_found"),
    )
    async def delete_provider_key(
        self,
        provider_keys: NamedDependency[ProviderKeyService],
        caller: NamedDependency[Caller],
        provider: Provider,
    ) -> None:
        """Forget your key for a provider; your calls are funded by your plans only again."""
        await provider_keys.delete_provider_key(caller.tenant_id, caller.user.id, provider)
