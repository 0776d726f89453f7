"""The agents part of a catalog apply, staged before any write: everything is read and built first, then written
in a handful of bulk statements, so the write transaction (SQLite's one writer) lasts milliseconds, not the length
of a 20,000-agent document."""

from __future__ import annotations

from dataclasses import dataclass, field

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.catalog.document import AgentSpec
from promptsaas.application.catalog.service import AGENT_FIELDS, _with_fields
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.application.request_scope import current_request_id
from promptsaas.domain.agents import Agent, check_agent_bounds
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.prompts import PromptVersion, check_note


@dataclass(slots=True)
class AgentBatch:
    """What the document changes, as rows to write."""

    created: list[Agent] = field(default_factory=list)
    updated: list[Agent] = field(default_factory=list)
    archived: list[PromptVersion] = field(default_factory=list)
    versions: list[PromptVersion] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    async def write(self, uow: UnitOfWork, trail: AuditTrail) -> None:
        """Archive before inserting the new active versions: an agent has one active version at any time."""
        if self.created:
            await uow.agents.add_many(self.created)
        for agent in self.updated:
            await uow.agents.update(agent)
        for version in self.archived:
            await uow.versions.set_status(version)
        if self.versions:
            await uow.versions.add_many(self.versions)
        await trail.record_many(uow, self.audit)


class AgentStager:
    def __init__(self, clock: Clock, ids: IdGenerator, trail: AuditTrail, tenant_id: str, actor: str) -> None:
        self._clock = clock
        self._ids = ids
        self.trail = trail
        self._tenant_id = tenant_id
        self._actor = actor
        self.batch = AgentBatch()

    async def stage(self, uow: UnitOfWork, specs: list[AgentSpec]) -> AgentBatch:
        """Reads only: the tenant's agents with their active versions in two statements, then the version numbers
        of the agents whose prompt changed."""
        existing = {
            a.slug: (a, v) for a, v in await uow.agents.with_active_versions(self._tenant_id, published_only=False)
        }
        for spec in specs:
            found = existing.get(spec.slug)
            agent, active = found if found else (self._create(spec), None)
            if found:
                agent = self._update(agent, spec)
            if spec.prompt is None or (active is not None and active.content == spec.prompt):
                continue
            numbers = [v.number for v in await uow.versions.list(self._tenant_id, agent.id)] if found else []
            self._activate(agent, spec, max(numbers, default=0) + 1, active)
        return self.batch

    def _create(self, spec: AgentSpec) -> Agent:
        fields = {k: v for k, v in spec.fields.items() if k != "name"}
        name = str(spec.fields.get("name") or spec.slug)
        agent = _with_fields(Agent(self._ids.new_id(), self._tenant_id, spec.slug, name, self._clock.now()), fields)
        check_agent_bounds(agent)
        self.batch.created.append(agent)
        self._audit("agent.create", spec.slug, after=str(agent.status))
        self.batch.changes.append(f"agent {spec.slug} created")
        return agent

    def _update(self, agent: Agent, spec: AgentSpec) -> Agent:
        updated = _with_fields(agent, spec.fields)
        check_agent_bounds(updated, agent)
        changed = [f for f in AGENT_FIELDS if getattr(updated, f) != getattr(agent, f)]
        if changed:
            self.batch.updated.append(updated)
            before = ", ".join(f"{f}={getattr(agent, f)}" for f in changed)
            after = ", ".join(f"{f}={getattr(updated, f)}" for f in changed)
            self._audit("agent.update", agent.slug, before, after)
            self.batch.changes.append(f"agent {agent.slug} updated")
        return updated

    def _activate(self, agent: Agent, spec: AgentSpec, number: int, active: PromptVersion | None) -> None:
        assert spec.prompt is not None
        check_note(spec.note)
        version = PromptVersion(
            self._ids.new_id(),
            self._tenant_id,
            agent.id,
            number,
            spec.prompt,
            self._clock.now(),
            self._actor,
            spec.note,
        )
        self._audit("prompt.create", f"{agent.slug}@v{number}", after=spec.note)
        if active is not None:
            self.batch.archived.append(active.archived())
        self.batch.versions.append(version.activated(active.number if active else None))
        self._audit("prompt.activate", agent.slug, f"v{active.number}" if active else "", f"v{number}")
        self.batch.changes.append(f"agent {agent.slug} prompt v{number} active")

    def _audit(self, action: str, target: str, before: str = "", after: str = "") -> None:
        entry = AuditEntry(
            self._ids.new_id(),
            self._tenant_id,
            self._actor,
            action,
            target,
            self._clock.now(),
            before,
            after,
            current_request_id() or "",
        )
        self.batch.audit.append(entry)
