"""Agents, as tenant admins manage them: created, listed with their active version, renamed, published, retired."""

from __future__ import annotations

from litestar import Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from promptsaas.application.catalog.service import CatalogService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import AgentSlug
from promptsaas.entrypoints.http.schemas.admin import AgentAdminRead, AgentCreate, AgentUpdate
from promptsaas.entrypoints.http.views import agent_admin_read


class AdminAgentsController(AdminController):
    path = "/v1/admin/agents"
    tags = ["admin: agents"]

    @get(
        "/",
        operation_id="adminListAgents",
        summary="List every agent",
        responses=problems(*ADMIN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def agents(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[AgentAdminRead]]:
        """Every agent of the tenant by slug, a page at a time, drafts and retired ones included, with the number of
        its active version."""
        rows = await catalog.overview_page(caller.tenant_id, page_request(limit, cursor))
        return paged([agent_admin_read(agent, active) for agent, active in rows.items], rows.next_cursor)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        operation_id="adminCreateAgent",
        summary="Create an agent",
        responses=problems(*ADMIN, "agent_exists"),
    )
    async def create(
        self, catalog: NamedDependency[CatalogService], caller: NamedDependency[Caller], data: JSONBody[AgentCreate]
    ) -> AgentAdminRead:
        """Create an agent (a draft unless `status` says otherwise); give it a prompt version before publishing."""
        agent = await catalog.create_agent(
            caller.tenant_id,
            data.slug,
            data.name,
            actor(caller),
            description=data.description,
            status=data.status,
            history_turns=data.history_turns,
            styles=data.styles,
            accepts_client_system=data.accepts_client_system,
        )
        return agent_admin_read(agent, None)

    @get(
        "/{slug:str}",
        operation_id="adminGetAgent",
        summary="Show an agent",
        responses=problems(*ADMIN, "agent_not_found"),
    )
    async def agent(
        self, catalog: NamedDependency[CatalogService], caller: NamedDependency[Caller], slug: AgentSlug
    ) -> AgentAdminRead:
        """One agent of the tenant, whatever its status, with the number of its active version."""
        agent, active = await catalog.agent_with_active(caller.tenant_id, slug)
        return agent_admin_read(agent, active)

    @patch(
        "/{slug:str}",
        operation_id="adminUpdateAgent",
        summary="Change an agent",
        responses=problems(*ADMIN, "agent_not_found", "no_active_version"),
    )
    async def update(
        self,
        catalog: NamedDependency[CatalogService],
        caller: NamedDependency[Caller],
        slug: AgentSlug,
        data: JSONBody[AgentUpdate],
    ) -> AgentAdminRead:
        """Change the fields given (name, description, status, history, styles, client instructions); audited."""
        await catalog.update_agent(
            caller.tenant_id,
            slug,
            actor(caller),
            name=data.name,
            description=data.description,
            status=data.status,
            history_turns=data.history_turns,
            styles=data.styles,
            accepts_client_system=data.accepts_client_system,
        )
        agent, active = await catalog.agent_with_active(caller.tenant_id, slug)
        return agent_admin_read(agent, active)
