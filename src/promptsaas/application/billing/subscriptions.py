"""Billing: subscription state changes, whoever the payment provider is (manual grants here; Stripe and
Telegram Stars feed the same transitions). It never references prompts, agents' templates or models."""

from __future__ import annotations

from datetime import timedelta

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import plan_by_code, user_by_email
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.errors import InvalidInput, NotFound
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus

SYSTEM_ACTOR = "system"


class BillingService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, audit: AuditTrail) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._audit = audit

    async def grant_subscription(
        self,
        tenant_id: str,
        email: str,
        plan_code: str,
        *,
        days: int | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> Subscription:
        """A manual grant: active now, for `days` (or until canceled)."""
        if days is not None and days <= 0:
            raise InvalidInput("days must be a positive number", field="days")
        async with self._uow() as uow:
            user = await user_by_email(uow, tenant_id, email)
            await plan_by_code(uow, tenant_id, plan_code)
            now = self._clock.now()
            end = now + timedelta(days=days) if days else None
            sub = Subscription(self._ids.new_id(), tenant_id, user.id, plan_code, SubscriptionStatus.ACTIVE, now, end)
            await uow.subscriptions.add(sub)
            period = f"{days} days" if days else "open-ended"
            await self._audit.record(
                uow,
                tenant_id,
                actor,
                "subscription.grant",
                user.email or user.id,
                after=f"{plan_code} {period}",
            )
            await uow.commit()
        return sub

    async def cancel_subscription(
        self, tenant_id: str, subscription_id: str, actor: str = SYSTEM_ACTOR
    ) -> Subscription:
        async with self._uow() as uow:
            sub = await uow.subscriptions.get(tenant_id, subscription_id)
            if sub is None:
                raise NotFound("subscription", subscription_id)
            before = sub.status.value
            sub.status = SubscriptionStatus.CANCELED
            sub.current_period_end = min(sub.current_period_end or self._clock.now(), self._clock.now())
            await uow.subscriptions.update(sub)
            await self._audit.record(uow, tenant_id, actor, "subscription.cancel", sub.id, before, sub.status.value)
            await uow.commit()
        return sub
