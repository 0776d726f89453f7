"""What a member may browse: the tenant's published agents, each with whether the member may use it now."""

from __future__ import annotations

from promptsaas.application.access import AccessService
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.application.runtime import AgentSetup, Runtime
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AgentFacts, Decision
from promptsaas.domain.errors import NotFound


class StorefrontService:
    def __init__(
        self, uow: UnitOfWorkFactory, runtime: Runtime, access: AccessService, keys: ProviderKeyService
    ) -> None:
        self._uow = uow
        self._runtime = runtime
        self._access = access
        self._keys = keys

    async def agents(self, tenant_id: str, user_id: str, channel: Channel) -> list[tuple[Agent, Decision]]:
        """Published agents with the policy's answer for this member on this channel (nothing is reserved); the
        member's plans and counters are read once for the whole list."""
        async with self._uow() as uow:
            agents = [a for a in await uow.agents.list(tenant_id) if a.status is AgentStatus.PUBLISHED]
        byok = await self._keys.byok_providers(tenant_id, user_id)
        facts = []
        for agent in agents:
            setup = await self._runtime.setup(tenant_id, agent.slug)
            facts.append(AgentFacts(agent.slug, tenant_id, agent.status, setup.version is not None, setup.provider))
        decisions = await self._access.check_agents(tenant_id, user_id, facts, channel, byok)
        return list(zip(agents, decisions, strict=True))

    async def agent(self, tenant_id: str, slug: str) -> AgentSetup:
        """A published agent with its active version; anything else is `agent_not_found` to members."""
        setup = await self._runtime.setup(tenant_id, slug)
        if setup.agent.status is not AgentStatus.PUBLISHED:
            raise NotFound("agent", slug)
        return setup
