"""A test run of one prompt version (a draft included) against a model the admin picks, without activating it.

A trial is unmetered: no subscription funds it, no quota counter moves and no usage record is written (it is not a
member's call); it is audited instead (`prompt.trial`, with the model, tokens and cost), so spend stays visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from promptsaas.application.access.admins import require_admin
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import agent_by_slug
from promptsaas.application.model_registry import ModelRegistry
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.application.runtime import AgentSetup, Answer, Runtime
from promptsaas.domain.agents import Agent
from promptsaas.domain.errors import NotFound
from promptsaas.domain.prompts import PromptVersion
from promptsaas.domain.users import User


class PromptTrials:
    def __init__(self, uow: UnitOfWorkFactory, runtime: Runtime, registry: ModelRegistry, audit: AuditTrail) -> None:
        self._uow = uow
        self._runtime = runtime
        self._registry = registry
        self._audit = audit

    async def run(
        self,
        admin: User,
        slug: str,
        number: int,
        model_id: str,
        text: str,
        variables: Mapping[str, object],
    ) -> Answer:
        """Render version `number` of the agent with the variables, send `text` to `model_id` (a registry entry),
        and return the reply; which version is active does not change. Admins only."""
        require_admin(admin)
        tenant_id = admin.tenant_id
        async with self._uow() as uow:
            agent, version = await _version(uow, tenant_id, slug, number)
            model = await self._registry.resolve(uow, tenant_id, model_id)
        call = await self._runtime.prepare(
            AgentSetup(agent, version, model), text, variables=variables, style=None, history=[]
        )
        answer = await self._runtime.execute(call)
        async with self._uow() as uow:
            tokens = f"model={model.id}, input_tokens={answer.input_tokens}, output_tokens={answer.output_tokens}"
            after = f"{tokens}, cost_micros={answer.cost_micros}"
            await self._audit.record(
                uow, tenant_id, admin.email or admin.id, "prompt.trial", f"{slug}@v{number}", after=after
            )
            await uow.commit()
        return answer

    async def subject(self, admin: User, slug: str, number: int) -> TrialSubject:
        """What the trial form offers: the agent, the version (its variables) and the registry's model ids."""
        require_admin(admin)
        async with self._uow() as uow:
            agent, version = await _version(uow, admin.tenant_id, slug, number)
            models = sorted((await self._registry.effective(uow, admin.tenant_id)).keys())
        return TrialSubject(agent, version, tuple(models))


@dataclass(frozen=True, slots=True)
class TrialSubject:
    agent: Agent
    version: PromptVersion
    models: tuple[str, ...]


async def _version(uow: UnitOfWork, tenant_id: str, slug: str, number: int) -> tuple[Agent, PromptVersion]:
    agent = await agent_by_slug(uow, tenant_id, slug)
    version = await uow.versions.get(tenant_id, agent.id, number)
    if version is None:
        raise NotFound("prompt_version", f"{slug}@v{number}")
    return agent, version
