"""SQL agents, their prompt versions, and a tenant's models; statements on the request path are built once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import catalog as c
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.application.ports import catalog as ports
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.prompts import PromptVersion, VersionStatus

_AGENT = select(t.agents).where(*keyed(t.agents, "id"))
_AGENT_BY_SLUG = select(t.agents).where(*keyed(t.agents, "slug"))
_AGENTS = select(t.agents).where(*keyed(t.agents)).order_by(t.agents.c.slug)
_PUBLISHED_AGENTS = _AGENTS.where(t.agents.c.status == AgentStatus.PUBLISHED.value)
_ACTIVE_VERSIONS = select(t.prompt_versions).where(
    *keyed(t.prompt_versions), t.prompt_versions.c.status == VersionStatus.ACTIVE.value
)


class SqlAgents(SqlRepository, ports.AgentRepository):
    async def get(self, tenant_id: str, agent_id: str) -> Agent | None:
        row = await self._db.row(_AGENT, {"tenant_id": tenant_id, "id": agent_id})
        return c.agent_of(row) if row else None

    async def get_by_slug(self, tenant_id: str, slug: str) -> Agent | None:
        row = await self._db.row(_AGENT_BY_SLUG, {"tenant_id": tenant_id, "slug": slug})
        return c.agent_of(row) if row else None

    async def with_active_versions(
        self, tenant_id: str, *, published_only: bool, after: str | None = None, limit: int | None = None
    ) -> list[tuple[Agent, PromptVersion | None]]:
        """Two statements: the page of agents, then the active versions of exactly those agents."""
        agents = _PUBLISHED_AGENTS if published_only else _AGENTS
        page = window(agents, (t.agents.c.slug,), (after,) if after is not None else None, limit)
        params = {"tenant_id": tenant_id}
        rows = [c.agent_of(r) for r in await self._db.rows(page, params)]
        if not rows:
            return []
        versions = _ACTIVE_VERSIONS.where(t.prompt_versions.c.agent_id.in_(page.with_only_columns(t.agents.c.id)))
        active = {v.agent_id: v for v in (c.version_of(r) for r in await self._db.rows(versions, params))}
        return [(agent, active.get(agent.id)) for agent in rows]

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Agent]:
        statement = window(_AGENTS, (t.agents.c.slug,), (after,) if after is not None else None, limit)
        return [c.agent_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, agent: Agent) -> None:
        await self._db.write(insert(t.agents), c.agent_row(agent), conflict=("agent", agent.slug))

    async def add_many(self, agents: Sequence[Agent]) -> None:
        conflict = ("agent", ", ".join(a.slug for a in agents[:3]))
        await self._db.write(insert(t.agents), [c.agent_row(a) for a in agents], conflict=conflict)

    async def update(self, agent: Agent) -> None:
        await self._update(t.agents, c.agent_row(agent), "id", conflict=("agent", agent.slug))


_VERSION = select(t.prompt_versions).where(*keyed(t.prompt_versions, "agent_id", "number"))
_ACTIVE_VERSION = select(t.prompt_versions).where(
    *keyed(t.prompt_versions, "agent_id"), t.prompt_versions.c.status == VersionStatus.ACTIVE.value
)
_VERSIONS = select(t.prompt_versions).where(*keyed(t.prompt_versions, "agent_id")).order_by(t.prompt_versions.c.number)


class SqlVersions(SqlRepository, ports.PromptVersionRepository):
    async def get(self, tenant_id: str, agent_id: str, number: int) -> PromptVersion | None:
        row = await self._db.row(_VERSION, {"tenant_id": tenant_id, "agent_id": agent_id, "number": number})
        return c.version_of(row) if row else None

    async def get_active(self, tenant_id: str, agent_id: str) -> PromptVersion | None:
        row = await self._db.row(_ACTIVE_VERSION, {"tenant_id": tenant_id, "agent_id": agent_id})
        return c.version_of(row) if row else None

    async def list(
        self, tenant_id: str, agent_id: str, after: int | None = None, limit: int | None = None
    ) -> list[PromptVersion]:
        key = (after,) if after is not None else None
        statement = window(_VERSIONS, (t.prompt_versions.c.number,), key, limit)
        return [c.version_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id, "agent_id": agent_id})]

    async def add(self, version: PromptVersion) -> None:
        conflict = ("prompt_version", f"{version.agent_id}@v{version.number}")
        await self._db.write(insert(t.prompt_versions), c.version_row(version), conflict=conflict)

    async def add_many(self, versions: Sequence[PromptVersion]) -> None:
        conflict = ("prompt_version", ", ".join(f"{v.agent_id}@v{v.number}" for v in versions[:3]))
        await self._db.write(insert(t.prompt_versions), [c.version_row(v) for v in versions], conflict=conflict)

    async def set_status(self, version: PromptVersion) -> None:
        table = t.prompt_versions
        statement = (
            update(table)
            .where(table.c.tenant_id == version.tenant_id, table.c.id == version.id)
            .values(status=version.status.value, activated_from=version.activated_from)
        )
        await self._db.write(statement, conflict=("active_version", version.agent_id))


_MODELS = select(t.tenant_models).where(*keyed(t.tenant_models)).order_by(t.tenant_models.c.model_id)


class SqlModels(SqlRepository, ports.ModelRepository):
    async def list(self, tenant_id: str) -> list[ModelSpec]:
        return [c.model_of(r) for r in await self._db.rows(_MODELS, {"tenant_id": tenant_id})]

    async def put(self, tenant_id: str, model: ModelSpec) -> None:
        row = c.model_row(tenant_id, model)
        exists = await self._db.rows(
            select(t.tenant_models.c.model_id).where(*keyed(t.tenant_models, "model_id")),
            {"tenant_id": tenant_id, "model_id": model.id},
        )
        if exists:
            await self._update(t.tenant_models, row, "model_id", conflict=("model", model.id))
        else:
            await self._db.write(insert(t.tenant_models), row, conflict=("model", model.id))
