"""Agents and their prompt versions."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.application.catalog.document import parse_prompt
from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import ADMIN_ERRORS, AdminController, actor
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.admin import (
    AgentAdminRead,
    AgentCreate,
    AgentUpdate,
    DiffRead,
    VersionCreate,
    VersionRead,
)
from promptsaas.entrypoints.http.views import agent_admin_read, version_read


class AdminAgentsController(AdminController):
    path = "/v1/admin/agents"
    tags = ["admin: agents"]

    @get("/", responses=errors(*ADMIN_ERRORS))
    async def agents(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[AgentAdminRead]:
        rows = await container_of(request).catalog().overview(caller.tenant_id)
        return [agent_admin_read(agent, active) for agent, active in rows]

    @post("/", status_code=HTTP_201_CREATED, responses=errors(*ADMIN_ERRORS, 409))
    async def create(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], data: JSONBody[AgentCreate]
    ) -> AgentAdminRead:
        agent = (
            await container_of(request)
            .catalog()
            .create_agent(
                caller.tenant_id,
                data.slug,
                data.name,
                actor(caller),
                description=data.description,
                status=data.status,
                history_turns=data.history_turns,
                styles=data.styles,
            )
        )
        return agent_admin_read(agent, None)

    @get("/{slug:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def agent(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], slug: FromPath[str]
    ) -> AgentAdminRead:
        agent, active = await container_of(request).catalog().agent_with_active(caller.tenant_id, slug)
        return agent_admin_read(agent, active)

    @patch("/{slug:str}", responses=errors(*ADMIN_ERRORS, 404))
    async def update(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        slug: FromPath[str],
        data: JSONBody[AgentUpdate],
    ) -> AgentAdminRead:
        catalog = container_of(request).catalog()
        await catalog.update_agent(
            caller.tenant_id,
            slug,
            actor(caller),
            name=data.name,
            description=data.description,
            status=data.status,
            history_turns=data.history_turns,
            styles=data.styles,
        )
        agent, active = await catalog.agent_with_active(caller.tenant_id, slug)
        return agent_admin_read(agent, active)

    @get("/{slug:str}/versions", responses=errors(*ADMIN_ERRORS, 404))
    async def versions(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], slug: FromPath[str]
    ) -> list[VersionRead]:
        return [version_read(v) for v in await container_of(request).catalog().versions(caller.tenant_id, slug)]

    @post("/{slug:str}/versions", status_code=HTTP_201_CREATED, responses=errors(*ADMIN_ERRORS, 404))
    async def create_version(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        slug: FromPath[str],
        data: JSONBody[VersionCreate],
    ) -> VersionRead:
        """Create a draft version (activate it separately)."""
        block = {
            "system": data.system,
            "model": data.model,
            "user": data.user,
            "variables": data.variables,
            "params": data.params,
        }
        content, _ = parse_prompt({k: v for k, v in block.items() if v is not None})
        version = (
            await container_of(request)
            .catalog()
            .create_version(caller.tenant_id, slug, content, note=data.note, actor=actor(caller))
        )
        return version_read(version)

    @get("/{slug:str}/versions/{number:int}", responses=errors(*ADMIN_ERRORS, 404))
    async def version(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        slug: FromPath[str],
        number: FromPath[int],
    ) -> VersionRead:
        return version_read(await container_of(request).catalog().version(caller.tenant_id, slug, number))

    @post("/{slug:str}/versions/{number:int}/activate", status_code=HTTP_200_OK, responses=errors(*ADMIN_ERRORS, 404))
    async def activate(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        slug: FromPath[str],
        number: FromPath[int],
    ) -> VersionRead:
        """Activate a version; the previously active one is archived."""
        version = await container_of(request).catalog().activate(caller.tenant_id, slug, number, actor(caller))
        return version_read(version)

    @post("/{slug:str}/rollback", status_code=HTTP_200_OK, responses=errors(*ADMIN_ERRORS, 404))
    async def rollback(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], slug: FromPath[str]
    ) -> VersionRead:
        """Re-activate the version that was active before the current one."""
        return version_read(await container_of(request).catalog().rollback(caller.tenant_id, slug, actor(caller)))

    @get("/{slug:str}/versions/{a:int}/diff/{b:int}", responses=errors(*ADMIN_ERRORS, 404))
    async def diff(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        slug: FromPath[str],
        a: FromPath[int],
        b: FromPath[int],
    ) -> DiffRead:
        return DiffRead(a=a, b=b, diff=await container_of(request).catalog().diff(caller.tenant_id, slug, a, b))
