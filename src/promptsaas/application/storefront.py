"""What a member may browse: the tenant's published agents, each with whether the member may use it now."""

from __future__ import annotations

from promptsaas.application.access import AccessService
from promptsaas.application.paging import Page, PageRequest, page_of
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.application.runtime import AgentSetup, Runtime
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AgentFacts, Decision
from promptsaas.domain.errors import NotFound
from promptsaas.domain.models import split_model_ref
from promptsaas.domain.plans import PlanStatus
from promptsaas.domain.prompts import PromptVersion


def _facts(agent: Agent, version: PromptVersion | None) -> AgentFacts:
    provider = split_model_ref(version.content.model)[0] if version else ""
    return AgentFacts(agent.slug, agent.tenant_id, agent.status, version is not None, provider)


class StorefrontService:
    def __init__(
        self, uow: UnitOfWorkFactory, runtime: Runtime, access: AccessService, keys: ProviderKeyService
    ) -> None:
        self._uow = uow
        self._runtime = runtime
        self._access = access
        self._keys = keys

    async def agents(
        self, tenant_id: str, user_id: str, channel: Channel, page: PageRequest | None = None
    ) -> Page[tuple[Agent, Decision]]:
        """Published agents by slug with the policy's answer for this member on this channel (nothing is reserved).
        One read loads the page's agents with their active versions and one the member's plans and counters, so the
        cost does not grow with the catalog; no `page`: every published agent at once."""
        async with self._uow() as uow:
            rows = await uow.agents.with_active_versions(
                tenant_id,
                published_only=True,
                after=page.after_text() if page else None,
                limit=page.probe if page else None,
            )
        listed: Page[tuple[Agent, PromptVersion | None]] = (
            page_of(rows, page, lambda row: (row[0].slug,)) if page else Page(list(rows), None)
        )
        byok = await self._keys.byok_providers(tenant_id, user_id)
        facts = [_facts(agent, version) for agent, version in listed.items]
        decisions = await self._access.check_agents(tenant_id, user_id, facts, channel, byok)
        return Page([(a, d) for (a, _), d in zip(listed.items, decisions, strict=True)], listed.next_cursor)

    async def agent(self, tenant_id: str, slug: str) -> AgentSetup:
        """A published agent with its active version; anything else is `agent_not_found` to members."""
        setup = await self._runtime.setup(tenant_id, slug)
        if setup.agent.status is not AgentStatus.PUBLISHED:
            raise NotFound("agent", slug)
        return setup

    async def sells_packs(self, tenant_id: str) -> bool:
        """Whether a member may buy a credit pack here: a public, active pack with a one-time price."""
        async with self._uow() as uow:
            plans = await uow.plans.list(tenant_id)
        return any(
            p.is_pack and p.public and p.status is PlanStatus.ACTIVE and p.price is not None and bool(p.price.once)
            for p in plans
        )
