"""The access context: everything the policy needs to answer for one user, loaded once per request.

The tenant's plans and the user with their subscriptions come from the read cache; the counters are read in one
ledger call for every active subscription, and only when asked.
"""

from __future__ import annotations

from dataclasses import replace

from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.quota import QuotaLedger
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AccessRequest, AgentFacts, Holding, Principal
from promptsaas.domain.errors import NotFound
from promptsaas.domain.plans import Plan
from promptsaas.domain.quota import counter_key
from promptsaas.domain.subscriptions import Subscription, with_default_plan
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import User


def no_agent(tenant_id: str) -> AgentFacts:
    """The agent of a question about the user's plans alone (their limits, their account), not about one call."""
    return AgentFacts("", tenant_id, AgentStatus.PUBLISHED, True, "")


class AccessContext:
    def __init__(self, uow: UnitOfWorkFactory, ledger: QuotaLedger, clock: Clock, cache: ReadCache) -> None:
        self._uow = uow
        self._ledger = ledger
        self._clock = clock
        self._cache = cache

    async def request(
        self,
        tenant_id: str,
        user_id: str,
        agent: AgentFacts,
        channel: Channel,
        tokens: int,
        byok_providers: frozenset[str] = frozenset(),
        *,
        read_counters: bool = True,
    ) -> AccessRequest:
        """Everything the policy needs; without `read_counters`, as if every counter were empty."""
        now = self._clock.now()
        tenant, plans = await self._cache.get(tenant_id, "plans", lambda: self._load_plans(tenant_id))
        user, held = await self._cache.get(tenant_id, ("user", user_id), lambda: self._load_user(tenant_id, user_id))
        subscriptions = with_default_plan(held, user, tenant.default_plan_code, plans)
        holdings = tuple(Holding(s, plans[s.plan_code]) for s in subscriptions if s.plan_code in plans)
        principal = Principal(user.id, user.tenant_id, user.role, user.status, tenant.is_active)
        request = AccessRequest(tenant_id, principal, agent, channel, holdings, byok_providers, tokens, now)
        return await self.with_counters(request) if read_counters else request

    async def with_counters(self, request: AccessRequest) -> AccessRequest:
        """The request with the current totals (used + reserved) of every active subscription's counters."""
        now = self._clock.now()
        keys = {
            h.subscription.id: [counter_key(h.subscription, lim, now)[0] for lim in h.plan.limits]
            for h in request.holdings
            if h.subscription.is_active(now)
        }
        counters = await self._ledger.read(request.tenant_id, [k for ks in keys.values() for k in ks])
        holdings = tuple(
            replace(h, counters={k: counters[k].total for k in keys.get(h.subscription.id, []) if k in counters})
            for h in request.holdings
        )
        return replace(request, holdings=holdings, now=now)

    async def _load_plans(self, tenant_id: str) -> tuple[Tenant, dict[str, Plan]]:
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            if tenant is None:
                raise NotFound("tenant", tenant_id)
            return tenant, {p.code: p for p in await uow.plans.list(tenant_id)}

    async def _load_user(self, tenant_id: str, user_id: str) -> tuple[User, tuple[Subscription, ...]]:
        async with self._uow() as uow:
            user = await uow.users.get(tenant_id, user_id)
            if user is None:
                raise NotFound("user", user_id)
            return user, tuple(await uow.subscriptions.list_for_user(tenant_id, user_id))
