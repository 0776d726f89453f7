"""In-memory agents, their prompt versions, and a tenant's models; every read filters by tenant first."""

from __future__ import annotations

from collections.abc import Sequence

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.adapters.persistence.memory.store import Journal, Table
from promptsaas.application.ports import catalog as ports
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.prompts import PromptVersion, VersionStatus


class MemoryAgents(_Repo, ports.AgentRepository):
    def __init__(self, table: Table, journal: Journal, versions: MemoryVersions) -> None:
        super().__init__(table, journal)
        self._versions = versions

    async def get(self, tenant_id: str, agent_id: str) -> Agent | None:
        return self._table.get((tenant_id, agent_id))  # type: ignore[no-any-return]

    async def get_by_slug(self, tenant_id: str, slug: str) -> Agent | None:
        return next((a for a in self._of(tenant_id) if a.slug == slug), None)

    async def with_active_versions(
        self, tenant_id: str, *, published_only: bool, after: str | None = None, limit: int | None = None
    ) -> list[tuple[Agent, PromptVersion | None]]:
        agents = [a for a in self._of(tenant_id) if not published_only or a.status is AgentStatus.PUBLISHED]
        page = window(agents, lambda a: a.slug, after, limit)
        return [(a, await self._versions.get_active(tenant_id, a.id)) for a in page]

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Agent]:
        return window(self._of(tenant_id), lambda a: a.slug, after, limit)

    async def add(self, agent: Agent) -> None:
        self._table.put(self._journal, (agent.tenant_id, agent.id), agent)

    async def add_many(self, agents: Sequence[Agent]) -> None:
        for agent in agents:
            await self.add(agent)

    update = add


class MemoryVersions(_Repo, ports.PromptVersionRepository):
    async def get(self, tenant_id: str, agent_id: str, number: int) -> PromptVersion | None:
        return self._table.get((tenant_id, agent_id, number))  # type: ignore[no-any-return]

    async def get_active(self, tenant_id: str, agent_id: str) -> PromptVersion | None:
        versions = await self.list(tenant_id, agent_id)
        return next((v for v in versions if v.status is VersionStatus.ACTIVE), None)

    async def list(
        self, tenant_id: str, agent_id: str, after: int | None = None, limit: int | None = None
    ) -> list[PromptVersion]:
        return window((v for v in self._of(tenant_id) if v.agent_id == agent_id), lambda v: v.number, after, limit)

    async def add(self, version: PromptVersion) -> None:
        self._table.put(self._journal, (version.tenant_id, version.agent_id, version.number), version)

    async def add_many(self, versions: Sequence[PromptVersion]) -> None:
        for version in versions:
            await self.add(version)

    set_status = add


class MemoryModels(_Repo, ports.ModelRepository):
    async def list(self, tenant_id: str) -> list[ModelSpec]:
        return [m for (tid, _), m in sorted(self._table.rows.items()) if tid == tenant_id]

    async def put(self, tenant_id: str, model: ModelSpec) -> None:
        self._table.put(self._journal, (tenant_id, model.id), model)
