"""In-memory plans and subscriptions; every read filters by tenant first."""

from __future__ import annotations

from datetime import datetime

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.application.ports import plans as ports
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription


class MemoryPlans(_Repo, ports.PlanRepository):
    async def get_by_code(self, tenant_id: str, code: str) -> Plan | None:
        return self._table.get((tenant_id, code))  # type: ignore[no-any-return]

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Plan]:
        return window(self._of(tenant_id), lambda p: p.code, after, limit)

    async def add(self, plan: Plan) -> None:
        self._table.put(self._journal, (plan.tenant_id, plan.code), plan)

    update = add


class MemorySubscriptions(_Repo, ports.SubscriptionRepository):
    async def get(self, tenant_id: str, subscription_id: str) -> Subscription | None:
        return self._table.get((tenant_id, subscription_id))  # type: ignore[no-any-return]

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Subscription]:
        return [s for s in await self.list(tenant_id) if s.user_id == user_id]

    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Subscription]:
        return window(self._of(tenant_id), lambda s: (s.current_period_start, s.id), after, limit)

    async def add(self, subscription: Subscription) -> None:
        self._table.put(self._journal, (subscription.tenant_id, subscription.id), subscription)

    update = add
