"""The caller's API keys: created with the key shown once, listed by prefix, revoked."""

from __future__ import annotations

from litestar import Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from promptsaas.application.auth.service import AuthService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import ApiKeyId
from promptsaas.entrypoints.http.schemas.members import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from promptsaas.entrypoints.http.views import api_key_read, iso


class ApiKeysController(MemberController):
    path = "/v1/me/api-keys"
    tags = ["account"]

    @get(
        "/",
        operation_id="listApiKeys",
        summary="List your API keys",
        responses=problems(*SIGNED_IN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def api_keys(
        self,
        auth: NamedDependency[AuthService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[ApiKeyRead]]:
        """Your API keys, oldest first, revoked ones included, by name and visible prefix; the key itself is never
        shown again."""
        keys = await auth.api_keys_page(caller.tenant_id, caller.user.id, page_request(limit, cursor))
        return paged([api_key_read(k) for k in keys.items], keys.next_cursor)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        operation_id="createApiKey",
        summary="Create an API key",
        responses=problems(*SIGNED_IN),
    )
    async def create_api_key(
        self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller], data: JSONBody[ApiKeyCreate]
    ) -> ApiKeyCreated:
        """Create a key that acts for you on the channel `api`; the key itself is in this response only."""
        key, secret = await auth.create_api_key(caller.tenant_id, caller.user.id, data.name)
        return ApiKeyCreated(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            created_at=key.created_at.isoformat(),
            last_used_at=iso(key.last_used_at),
            revoked=False,
            key=secret,
        )

    @delete(
        "/{key_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="revokeApiKey",
        summary="Revoke an API key",
        responses=problems(*SIGNED_IN, "api_key_not_found"),
    )
    async def revoke_api_key(
        self, auth: NamedDependency[AuthService], caller: NamedDependency[Caller], key_id: ApiKeyId
    ) -> None:
        """Revoke one of your keys: calls with it are refused from now on (401 `invalid_token`)."""
        await auth.revoke_api_key(caller.tenant_id, caller.user.id, key_id)
