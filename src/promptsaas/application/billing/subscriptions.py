"""Billing: an admin's grants and cancels. A `manual` grant or cancel is the manual provider's snapshot applied
through the same transition and audit as a provider's events (`sync.apply_snapshot`), so the policy sees one kind
of subscription whoever bills it; a cancel of a subscription a provider renews is made at that provider first.
It never references prompts, agents' templates or models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.billing.context import BillingContext
from promptsaas.application.billing.packs import is_pack_holding
from promptsaas.application.billing.sync import apply_snapshot
from promptsaas.application.lookups import plan_by_code, user_by_email
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.payments import BillingReference, ProviderGrants
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.bounds import MAX_DAYS, within
from promptsaas.domain.errors import NotFound
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus

SYSTEM_ACTOR = "system"
MANUAL = "manual"


class BillingService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        audit: AuditTrail,
        grants: ProviderGrants,
        payments: Callable[[], BillingContext],
    ) -> None:
        """`payments` opens the payment providers and the tenants' accounts with them when a provider's subscription
        is canceled, so that grants (and the CLI) need no encryption key."""
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._audit = audit
        self._grants = grants
        self._payments = payments

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
        """End a subscription now. A manual one through the manual provider's snapshot; one a provider renews is
        canceled at the provider first (else it would go on charging, and reconciliation would bring it back) and
        the provider's answer applied; a pack, which nothing renews, ends on our side. Nothing is refunded."""
        async with self._uow() as uow:
            sub = await uow.subscriptions.get(tenant_id, subscription_id)
            if sub is None:
                raise NotFound("subscription", subscription_id)
            if sub.provider == MANUAL or sub.provider_ref is None or await is_pack_holding(uow, sub):
                ended = await self._end_here(uow, sub, actor)
                await uow.commit()
                return ended
            payments = self._payments()
            credentials = await payments.accounts.credentials(uow, tenant_id, sub.provider)
        snapshot = await payments.providers.get(sub.provider).cancel_now(credentials, sub.provider_ref)
        async with self._uow() as uow:
            now = self._clock.now()
            canceled = await apply_snapshot(
                uow, self._audit, tenant_id, sub.provider, snapshot, now, sub.id, actor, "subscription.cancel"
            )
            await uow.commit()
        return canceled or sub

    async def _end_here(self, uow: UnitOfWork, sub: Subscription, actor: str) -> Subscription:
        """A grant ends through the manual provider's snapshot; a pack (or a row no provider knows) on our side."""
        now = self._clock.now()
        end = min(sub.current_period_end or now, now)
        if sub.provider != MANUAL:
            before = sub.status.value
            sub.status = SubscriptionStatus.CANCELED
            sub.current_period_end = end
            await uow.subscriptions.update(sub)
            await self._audit.record(uow, sub.tenant_id, actor, "subscription.cancel", sub.id, before, "canceled")
            return sub
        if sub.provider_ref is None:  # granted before grants had a reference: it becomes its own
            sub.provider_ref = sub.id
            await uow.subscriptions.update(sub)
        reference = BillingReference(sub.tenant_id, sub.user_id, sub.plan_code)
        snapshot = self._grants.ended(sub.provider_ref, reference, sub.current_period_start, end)
        ended = await apply_snapshot(
            uow, self._audit, sub.tenant_id, MANUAL, snapshot, now, sub.id, actor, "subscription.cancel"
        )
        return ended or sub
