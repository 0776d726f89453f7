"""SQL plans and subscriptions, each filtered on `tenant_id`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as a
from promptsaas.adapters.persistence.sqlalchemy.mapping import catalog as c
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.application.ports import plans as ports
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription

_PLAN = select(t.plans).where(*keyed(t.plans, "code"))
_PLANS = select(t.plans).where(*keyed(t.plans)).order_by(t.plans.c.code)


class SqlPlans(SqlRepository, ports.PlanRepository):
    async def get_by_code(self, tenant_id: str, code: str) -> Plan | None:
        row = await self._db.row(_PLAN, {"tenant_id": tenant_id, "code": code})
        return c.plan_of(row) if row else None

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Plan]:
        statement = window(_PLANS, (t.plans.c.code,), (after,) if after is not None else None, limit)
        return [c.plan_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, plan: Plan) -> None:
        await self._db.write(insert(t.plans), c.plan_row(plan), conflict=("plan", plan.code))

    async def update(self, plan: Plan) -> None:
        await self._update(t.plans, c.plan_row(plan), "code", conflict=("plan", plan.code))


_SUBSCRIPTION = select(t.subscriptions).where(*keyed(t.subscriptions, "id"))
_SUBSCRIPTION_ORDER = (t.subscriptions.c.current_period_start, t.subscriptions.c.id)
_SUBSCRIPTIONS = select(t.subscriptions).where(*keyed(t.subscriptions)).order_by(*_SUBSCRIPTION_ORDER)
_SUBSCRIPTIONS_OF = select(t.subscriptions).where(*keyed(t.subscriptions, "user_id")).order_by(*_SUBSCRIPTION_ORDER)


class SqlSubscriptions(SqlRepository, ports.SubscriptionRepository):
    async def get(self, tenant_id: str, subscription_id: str) -> Subscription | None:
        row = await self._db.row(_SUBSCRIPTION, {"tenant_id": tenant_id, "id": subscription_id})
        return a.subscription_of(row) if row else None

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Subscription]:
        rows = await self._db.rows(_SUBSCRIPTIONS_OF, {"tenant_id": tenant_id, "user_id": user_id})
        return [a.subscription_of(r) for r in rows]

    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Subscription]:
        statement = window(_SUBSCRIPTIONS, _SUBSCRIPTION_ORDER, after, limit)
        return [a.subscription_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, subscription: Subscription) -> None:
        row = a.subscription_row(subscription)
        await self._db.write(insert(t.subscriptions), row, conflict=("subscription", subscription.id))

    async def update(self, subscription: Subscription) -> None:
        row = a.subscription_row(subscription)
        await self._update(t.subscriptions, row, "id", conflict=("subscription", subscription.id))
