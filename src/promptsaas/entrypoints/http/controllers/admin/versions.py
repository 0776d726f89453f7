"""An agent's prompt versions: drafted, read, diffed, activated, rolled back (each change audited)."""

from __future__ import annotations

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.application.catalog.document import parse_prompt
from promptsaas.application.catalog.service import CatalogService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import AgentSlug, FromVersion, ToVersion, VersionNumber
from promptsaas.entrypoints.http.schemas.admin import DiffRead, VersionCreate, VersionRead
from promptsaas.entrypoints.http.views import version_read

VERSION_OF = (*ADMIN, "agent_not_found", "prompt_version_not_found", "not_found")
"""A version number that is not an integer matches no route: 404 `not_found`."""


class AdminVersionsController(AdminController):
    path = "/v1/admin/agents/{slug:str}"
    tags = ["admin: agents"]

    @get(
        "/versions",
        operation_id="adminListVersions",
        summary="List an agent's prompt versions",
        responses=problems(*ADMIN, "agent_not_found", *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def versions(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        slug: AgentSlug,
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[VersionRead]]:
        """The agent's prompt versions by number, a page at a time, with their status (`draft`, `active`,
        `archived`)."""
        versions = await catalog.versions_page(caller.tenant_id, slug, page_request(limit, cursor))
        return paged([version_read(v) for v in versions.items], versions.next_cursor)

    @post(
        "/versions",
        status_code=HTTP_201_CREATED,
        operation_id="adminCreateVersion",
        summary="Draft a prompt version",
        responses=problems(
            *ADMIN, "agent_not_found", "catalog_invalid", "invalid_variables", "unknown_model", "unknown_provider"
        ),
    )
    async def create_version(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        slug: AgentSlug,
        data: JSONBody[VersionCreate],
    ) -> VersionRead:
        """Create the agent's next version as a draft (versions never change once created); activate it
        separately."""
        block = {
            "system": data.system,
            "model": data.model,
            "user": data.user,
            "variables": data.variables,
            "params": data.params,
        }
        content, _ = parse_prompt({k: v for k, v in block.items() if v is not None})
        version = await catalog.create_version(caller.tenant_id, slug, content, note=data.note, actor=actor(caller))
        return version_read(version)

    @get(
        "/versions/{number:int}",
        operation_id="adminGetVersion",
        summary="Show a prompt version",
        responses=problems(*VERSION_OF),
    )
    async def version(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        slug: AgentSlug,
        number: VersionNumber,
    ) -> VersionRead:
        """One version of the agent's prompt: its templates, variables, model and parameters."""
        return version_read(await catalog.version(caller.tenant_id, slug, number))

    @post(
        "/versions/{number:int}/activate",
        status_code=HTTP_200_OK,
        operation_id="adminActivateVersion",
        summary="Activate a prompt version",
        responses=problems(*VERSION_OF),
    )
    async def activate(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        slug: AgentSlug,
        number: VersionNumber,
    ) -> VersionRead:
        """Make this version the one runs use; the previously active one is archived."""
        return version_read(await catalog.activate(caller.tenant_id, slug, number, actor(caller)))

    @post(
        "/rollback",
        status_code=HTTP_200_OK,
        operation_id="adminRollBackAgent",
        summary="Roll back to the previous version",
        responses=problems(*ADMIN, "agent_not_found", "nothing_to_roll_back"),
    )
    async def rollback(
        self, catalog: NamedDependency[CatalogService], caller: NamedDependency[Caller], slug: AgentSlug
    ) -> VersionRead:
        """Re-activate the version that was active before the current one."""
        return version_read(await catalog.rollback(caller.tenant_id, slug, actor(caller)))

    @get(
        "/versions/{a:int}/diff/{b:int}",
        operation_id="adminDiffVersions",
        summary="Compare two prompt versions",
        responses=problems(*VERSION_OF),
    )
    async def diff(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        slug: AgentSlug,
        a: FromVersion,
        b: ToVersion,
    ) -> DiffRead:
        """A unified diff from version `a` to version `b` of the agent's prompt."""
        return DiffRead(a=a, b=b, diff=await catalog.diff(caller.tenant_id, slug, a, b))
