"""Billing: an admin's grants and cancels. A `manual` grant or cancel is the manual provider's snapshot applied
through the same transition and audit as a provider's events (`sync.apply_snapshot`), so the policy sees one kind
of subscription whoever bills it. It never references prompts, agents' templates or models."""

from __future__ import annotations

from datetime import timedelta

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.billing.sync import apply_snapshot
from promptsaas.application.lookups import plan_by_code, user_by_email
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.payments import BillingReference, ProviderGrants
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.bounds import MAX_DAYS, within
from promptsaas.domain.errors import NotFound
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus

SYSTEM_ACTOR = "system"
MANUAL = "manual"


class BillingService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, audit: AuditTrail, grants: ProviderGrants
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._audit = audit
        self._grants = grants

    async def grant_subscription(
        self,
        tenant_id: str,
        email: str,
        plan_code: str,
        *,
        days: int | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> Subscription:
        """A manual grant: active now, for `days` (a pack: its `expires_days` unless `days` is given; otherwise
        until canceled)."""
        within(days, "days", MAX_DAYS, 1)
        async with self._uow() as uow:
            user = await user_by_email(uow, tenant_id, email)
            plan = await plan_by_code(uow, tenant_id, plan_code)
            now = self._clock.now()
            lifetime = days or (plan.expires_days if plan.is_pack else None)
            end = now + timedelta(days=lifetime) if lifetime else None
            sub_id = self._ids.new_id()
            snapshot = self._grants.granted(sub_id, BillingReference(tenant_id, user.id, plan.code), now, end)
            sub = await apply_snapshot(
                uow, self._audit, tenant_id, MANUAL, snapshot, now, sub_id, actor, "subscription.grant"
            )
            if sub is None:
                raise NotFound("user", email)
            await uow.commit()
        return sub

    async def cancel_subscription(
        self, tenant_id: str, subscription_id: str, actor: str = SYSTEM_ACTOR
    ) -> Subscription:
        """End a subscription now: a manual one through the manual provider's snapshot, any other on our side."""
        async with self._uow() as uow:
            sub = await uow.subscriptions.get(tenant_id, subscription_id)
            if sub is None:
                raise NotFound("subscription", subscription_id)
            now = self._clock.now()
            end = min(sub.current_period_end or now, now)
            if sub.provider != MANUAL:
                before = sub.status.value
                sub.status = SubscriptionStatus.CANCELED
                sub.current_period_end = end
                await uow.subscriptions.update(sub)
                await self._audit.record(uow, tenant_id, actor, "subscription.cancel", sub.id, before, sub.status.value)
                await uow.commit()
                return sub
            if sub.provider_ref is None:  # granted before grants had a reference: it becomes its own
                sub.provider_ref = sub.id
                await uow.subscriptions.update(sub)
            reference = BillingReference(tenant_id, sub.user_id, sub.plan_code)
            snapshot = self._grants.ended(sub.provider_ref, reference, sub.current_period_start, end)
            ended = await apply_snapshot(
                uow, self._audit, tenant_id, MANUAL, snapshot, now, sub.id, actor, "subscription.cancel"
            )
            await uow.commit()
        return ended or sub
