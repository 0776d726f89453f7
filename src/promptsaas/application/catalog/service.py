"""Agents, their prompt versions (create, activate, rollback, diff) and styles; the model registry's entries are
`catalog.models`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import agent_by_slug
from promptsaas.application.model_registry import ModelRegistry
from promptsaas.application.paging import Page, PageRequest, page_of
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.agents import Agent, AgentStatus, check_agent_bounds
from promptsaas.domain.errors import AlreadyExists, InvalidInput, NotFound
from promptsaas.domain.prompts import PromptContent, PromptVersion, VersionStatus, check_note, diff
from promptsaas.domain.tenants import check_slug

if TYPE_CHECKING:
    from promptsaas.application.catalog.agent_batch import AgentStager

SYSTEM_ACTOR = "system"
AGENT_FIELDS = ("name", "description", "status", "history_turns", "styles", "accepts_client_system")


class CatalogService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        audit: AuditTrail,
        registry: ModelRegistry,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._audit = audit
        self.registry = registry

    def stager(self, tenant_id: str, actor: str) -> AgentStager:
        """Stages a catalog document's agents with this service's clock, ids and audit trail."""
        from promptsaas.application.catalog.agent_batch import AgentStager

        return AgentStager(self._clock, self._ids, self._audit, tenant_id, actor)

    # agents
    async def create_agent(
        self, tenant_id: str, slug: str, name: str, actor: str = SYSTEM_ACTOR, **fields: object
    ) -> Agent:
        async with self._uow() as uow:
            agent = await self.add_agent(uow, tenant_id, slug, name, actor, **fields)
            await uow.commit()
        return agent

    async def add_agent(
        self, uow: UnitOfWork, tenant_id: str, slug: str, name: str, actor: str, **fields: object
    ) -> Agent:
        check_slug(slug)
        if await uow.agents.get_by_slug(tenant_id, slug):
            raise AlreadyExists("agent", slug)
        agent = Agent(self._ids.new_id(), tenant_id, slug, name or slug, self._clock.now())
        agent = _with_fields(agent, fields)
        check_agent_bounds(agent)
        await uow.agents.add(agent)
        await self._audit.record(uow, tenant_id, actor, "agent.create", slug, after=agent.status)
        return agent

    async def update_agent(self, tenant_id: str, slug: str, actor: str = SYSTEM_ACTOR, **fields: object) -> Agent:
        """Change an agent's fields; publishing one without an active prompt version is refused (members could not
        use it)."""
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            publishing = fields.get("status") == AgentStatus.PUBLISHED and agent.status is not AgentStatus.PUBLISHED
            if publishing and await self._active_number(uow, agent) is None:
                raise InvalidInput(
                    f"agent {slug!r} has no active prompt version: activate one before publishing",
                    field="status",
                    code="no_active_version",
                )
            agent = await self.change_agent(uow, agent, actor, **fields)
            await uow.commit()
        return agent

    async def change_agent(self, uow: UnitOfWork, agent: Agent, actor: str, **fields: object) -> Agent:
        """Apply changed fields (audited); unchanged fields write nothing."""
        updated = _with_fields(agent, fields)
        check_agent_bounds(updated, agent)
        changed = [f for f in AGENT_FIELDS if getattr(updated, f) != getattr(agent, f)]
        if changed:
            await uow.agents.update(updated)
            before = ", ".join(f"{f}={getattr(agent, f)}" for f in changed)
            after = ", ".join(f"{f}={getattr(updated, f)}" for f in changed)
            await self._audit.record(uow, agent.tenant_id, actor, "agent.update", agent.slug, before, after)
        return updated

    async def agent(self, tenant_id: str, slug: str) -> Agent:
        async with self._uow() as uow:
            return await agent_by_slug(uow, tenant_id, slug)

    async def overview(self, tenant_id: str) -> list[tuple[Agent, int | None]]:
        """Every agent with the number of its active version (two statements, whatever the count)."""
        async with self._uow() as uow:
            rows = await uow.agents.with_active_versions(tenant_id, published_only=False)
        return [(a, v.number if v else None) for a, v in rows]

    async def overview_page(self, tenant_id: str, page: PageRequest) -> Page[tuple[Agent, int | None]]:
        """A page of agents by slug, each with the number of its active version, from two statements."""
        async with self._uow() as uow:
            rows = await uow.agents.with_active_versions(
                tenant_id, published_only=False, after=page.after_text(), limit=page.probe
            )
        listed = page_of(rows, page, lambda row: (row[0].slug,))
        return Page([(a, v.number if v else None) for a, v in listed.items], listed.next_cursor)

    async def agent_with_active(self, tenant_id: str, slug: str) -> tuple[Agent, int | None]:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            return agent, await self._active_number(uow, agent)

    async def _active_number(self, uow: UnitOfWork, agent: Agent) -> int | None:
        active = await uow.versions.get_active(agent.tenant_id, agent.id)
        return active.number if active else None

    async def agents(self, tenant_id: str) -> list[Agent]:
        async with self._uow() as uow:
            return await uow.agents.list(tenant_id)

    # prompt versions
    async def create_version(
        self, tenant_id: str, slug: str, content: PromptContent, *, note: str = "", actor: str = SYSTEM_ACTOR
    ) -> PromptVersion:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            version = await self.add_version(uow, agent, content, note, actor)
            await uow.commit()
        return version

    async def add_version(
        self, uow: UnitOfWork, agent: Agent, content: PromptContent, note: str, actor: str
    ) -> PromptVersion:
        """A new draft version; its model must be in the registry."""
        check_note(note)
        await self.registry.resolve(uow, agent.tenant_id, content.model)
        existing = await uow.versions.list(agent.tenant_id, agent.id)
        number = max((v.number for v in existing), default=0) + 1
        version = PromptVersion(
            self._ids.new_id(), agent.tenant_id, agent.id, number, content, self._clock.now(), actor, note
        )
        await uow.versions.add(version)
        await self._audit.record(uow, agent.tenant_id, actor, "prompt.create", f"{agent.slug}@v{number}", after=note)
        return version

    async def activate(self, tenant_id: str, slug: str, number: int, actor: str = SYSTEM_ACTOR) -> PromptVersion:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            version = await self.activate_in(uow, agent, number, actor)
            await uow.commit()
        return version

    async def activate_in(self, uow: UnitOfWork, agent: Agent, number: int, actor: str) -> PromptVersion:
        """Make `number` active and archive the previous active version (audited)."""
        version = await self._version(uow, agent, number)
        current = await uow.versions.get_active(agent.tenant_id, agent.id)
        if current is not None and current.number == number:
            return current
        if current is not None:
            await uow.versions.set_status(current.archived())
        version = version.activated(current.number if current else None)
        await uow.versions.set_status(version)
        before = f"v{current.number}" if current else ""
        await self._audit.record(uow, agent.tenant_id, actor, "prompt.activate", agent.slug, before, f"v{number}")
        return version

    async def rollback(self, tenant_id: str, slug: str, actor: str = SYSTEM_ACTOR) -> PromptVersion:
        """Re-activate the version that was active before the current one."""
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            current = await uow.versions.get_active(tenant_id, agent.id)
            if current is None or current.activated_from is None:
                raise InvalidInput(
                    f"agent {slug!r} has no earlier version to roll back to", code="nothing_to_roll_back"
                )
            previous = await self._version(uow, agent, current.activated_from)
            await uow.versions.set_status(current.archived())
            restored = replace(previous, status=VersionStatus.ACTIVE)
            await uow.versions.set_status(restored)
            await self._audit.record(
                uow, tenant_id, actor, "prompt.rollback", slug, f"v{current.number}", f"v{previous.number}"
            )
            await uow.commit()
        return restored

    async def versions(self, tenant_id: str, slug: str) -> list[PromptVersion]:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            return await uow.versions.list(tenant_id, agent.id)

    async def versions_page(self, tenant_id: str, slug: str, page: PageRequest) -> Page[PromptVersion]:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            rows = await uow.versions.list(tenant_id, agent.id, after=page.after_number(), limit=page.probe)
        return page_of(rows, page, lambda v: (v.number,))

    async def version(self, tenant_id: str, slug: str, number: int) -> PromptVersion:
        async with self._uow() as uow:
            return await self._version(uow, await agent_by_slug(uow, tenant_id, slug), number)

    async def diff(self, tenant_id: str, slug: str, a: int, b: int) -> str:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            return diff(await self._version(uow, agent, a), await self._version(uow, agent, b), agent=slug)

    async def _version(self, uow: UnitOfWork, agent: Agent, number: int) -> PromptVersion:
        version = await uow.versions.get(agent.tenant_id, agent.id, number)
        if version is None:
            raise NotFound("prompt_version", f"{agent.slug}@v{number}")
        return version


def _with_fields(agent: Agent, fields: dict[str, object]) -> Agent:
    unknown = set(fields) - set(AGENT_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown agent field {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
    values = {k: v for k, v in fields.items() if v is not None}
    if "status" in values:
        try:
            values["status"] = AgentStatus(str(values["status"]))
        except ValueError:
            raise InvalidInput(f"status must be one of {[s.value for s in AgentStatus]}", field="status") from None
    if "styles" in values:
        values["styles"] = dict(values["styles"])  # type: ignore[call-overload]
    return replace(agent, **values)  # type: ignore[arg-type]
