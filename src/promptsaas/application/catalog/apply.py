"""Declarative catalog apply: one document creates or updates models, agents, prompt versions and plans.

Idempotent (the same document twice changes nothing and writes no version or audit entry) and atomic (a document
that does not fit is rejected as a whole, and nothing is applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.catalog.document import CatalogDocument, parse_catalog
from promptsaas.application.catalog.models import ModelCatalog
from promptsaas.application.catalog.service import CatalogService
from promptsaas.application.plans import PlanService
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.errors import CatalogInvalid, NotFound
from promptsaas.domain.plans import PlanStatus

SYSTEM_ACTOR = "system"


@dataclass(slots=True)
class ApplyResult:
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class CatalogApplier:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        catalog: CatalogService,
        models: ModelCatalog,
        plans: PlanService,
        audit: AuditTrail,
    ) -> None:
        self._uow = uow
        self._catalog = catalog
        self._models = models
        self._plans = plans
        self._audit = audit

    async def apply(
        self, tenant_id: str, document: Any, *, actor: str = SYSTEM_ACTOR, prune: bool = False
    ) -> ApplyResult:
        """Validate everything and stage the agents before the first write, then write in one short transaction
        (all or nothing for the tenant); `prune` retires what the document omits."""
        doc = parse_catalog(document)
        result = ApplyResult()
        async with self._uow() as uow:
            await self._check_references(uow, tenant_id, doc)
            stager = self._catalog.stager(tenant_id, actor)
            agents = await stager.stage(uow, doc.agents)
            for model in doc.models:
                if await self._models.save_model(uow, tenant_id, model, actor):
                    result.changes.append(f"model {model.id}")
            await agents.write(uow, stager.trail)
            result.changes.extend(agents.changes)
            for plan in doc.plans:
                if await self._plans.save(uow, replace(plan, tenant_id=tenant_id), actor):
                    result.changes.append(f"plan {plan.code}")
            if doc.default_plan and await self._plans.set_default(uow, tenant_id, doc.default_plan, actor):
                result.changes.append(f"default plan {doc.default_plan}")
            if (doc.default_agent or prune) and await self._set_default_agent(uow, tenant_id, doc.default_agent, actor):
                result.changes.append(f"default agent {doc.default_agent or 'cleared'}")
            if prune:
                await self._prune(uow, tenant_id, doc, actor, result)
            await uow.commit()
        return result

    async def _check_references(self, uow: UnitOfWork, tenant_id: str, doc: CatalogDocument) -> None:
        """Every model a prompt names and every agent a plan grants must exist (in the document or already), and
        every model's provider must be configured in this deployment."""
        problems = []
        registry = self._models.registry
        for i, model in enumerate(doc.models):
            if unserved := registry.provider_problem(model.id):
                problems.append(f"models[{i}].id: {unserved}")
        known_models = set(await registry.effective(uow, tenant_id)) | {m.id for m in doc.models}
        for i, spec in enumerate(doc.agents):
            if spec.prompt is None:
                continue
            if spec.prompt.model not in known_models:
                problems.append(f"agents[{i}].prompt.model: unknown model {spec.prompt.model!r}")
            elif unserved := registry.provider_problem(spec.prompt.model):
                problems.append(f"agents[{i}].prompt.model: {unserved}")
        known_agents = {a.slug for a in await uow.agents.list(tenant_id)} | {a.slug for a in doc.agents}
        for i, plan in enumerate(doc.plans):
            for slug in sorted(plan.agents or ()):
                if slug not in known_agents:
                    problems.append(f"plans[{i}].agents: unknown agent {slug!r}")
        if doc.default_agent and doc.default_agent not in known_agents:
            problems.append(f"default_agent: unknown agent {doc.default_agent!r}")
        if problems:
            raise CatalogInvalid(problems)

    async def _set_default_agent(self, uow: UnitOfWork, tenant_id: str, slug: str | None, actor: str) -> bool:
        tenant = await uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        if tenant.default_agent == slug:
            return False
        before, tenant.default_agent = tenant.default_agent or "", slug
        await uow.tenants.update(tenant)
        await self._audit.record(uow, tenant_id, actor, "agent.default", slug or "", before, slug or "")
        return True

    async def _prune(
        self, uow: UnitOfWork, tenant_id: str, doc: CatalogDocument, actor: str, result: ApplyResult
    ) -> None:
        keep_agents = {a.slug for a in doc.agents}
        for agent in await uow.agents.list(tenant_id):
            if agent.slug not in keep_agents and agent.status is not AgentStatus.RETIRED:
                await self._catalog.change_agent(uow, agent, actor, status=AgentStatus.RETIRED)
                result.changes.append(f"agent {agent.slug} retired")
        keep_plans = {p.code for p in doc.plans}
        for plan in await uow.plans.list(tenant_id):
            if plan.code not in keep_plans and plan.status is not PlanStatus.ARCHIVED:
                await self._plans.save(uow, replace(plan, status=PlanStatus.ARCHIVED), actor)
                result.changes.append(f"plan {plan.code} archived")
