"""A provider's subscription snapshot applied to ours: status (with grace for `past_due`), plan by price, periods,
`cancel_at_period_end`. A snapshot older than the last one applied changes nothing, so any order of events ends in
the state the newest gives; every change writes one audit row."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.payments import ProviderSubscription
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.billing import grace_end, subscription_status
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus


def _plan_for_price(plans: list[Plan], price_id: str | None) -> Plan | None:
    if price_id is None:
        return None
    return next((p for p in plans if p.price and price_id in dict(p.price.provider_ids).values()), None)


def _summary(sub: Subscription) -> str:
    end = sub.current_period_end.isoformat() if sub.current_period_end else "open"
    cancel = " cancel_at_period_end" if sub.cancel_at_period_end else ""
    return f"{sub.plan_code} {sub.status.value} until {end}{cancel}"


async def apply_snapshot(
    uow: UnitOfWork,
    audit: AuditTrail,
    tenant_id: str,
    provider: str,
    snapshot: ProviderSubscription,
    at: datetime,
    new_id: str,
    actor: str,
    action: str = "subscription.sync",
) -> Subscription | None:
    """Create or update our subscription for `snapshot`; None when it belongs to no user of this tenant. A change
    writes one audit row of `action` (an admin's grant or cancel names its own)."""
    existing = await uow.billing.subscription_by_ref(tenant_id, provider, snapshot.id)
    if existing is not None and existing.provider_synced_at is not None and at < existing.provider_synced_at:
        return existing
    plans = [p for p in await uow.plans.list(tenant_id) if p.price is not None]
    by_price = _plan_for_price(plans, snapshot.price_id)
    ref = snapshot.reference if snapshot.reference and snapshot.reference.tenant_id == tenant_id else None
    if existing is None:
        user_id = ref.user_id if ref else None
        if user_id is None and snapshot.customer_id:
            user_id = await uow.billing.customer_user(tenant_id, provider, snapshot.customer_id)
        plan_code = by_price.code if by_price else (ref.plan_code if ref else None)
        if user_id is None or plan_code is None or await uow.users.get(tenant_id, user_id) is None:
            return None
        start = snapshot.current_period_start or at
        existing = Subscription(
            new_id,
            tenant_id,
            user_id,
            plan_code,
            SubscriptionStatus.EXPIRED,
            start,
            provider=provider,
            provider_ref=snapshot.id,
        )
        before = "none"
        created = True
    else:
        before = _summary(existing)
        created = False
    status = subscription_status(snapshot.status)
    changed = replace(existing, status=status)
    changed.plan_code = by_price.code if by_price else existing.plan_code
    changed.current_period_start = snapshot.current_period_start or existing.current_period_start
    changed.current_period_end = snapshot.current_period_end or existing.current_period_end
    changed.cancel_at_period_end = snapshot.cancel_at_period_end
    if status is SubscriptionStatus.PAST_DUE:
        grace = await uow.plans.get_by_code(tenant_id, changed.plan_code)
        changed.grace_until = (
            existing.grace_until
            if existing.status is SubscriptionStatus.PAST_DUE and existing.grace_until
            else grace_end(at, grace.grace_days if grace else None)
        )
    else:
        changed.grace_until = None
    changed.provider_synced_at = at
    after = _summary(changed)
    if created:
        await uow.subscriptions.add(changed)
    else:
        await uow.subscriptions.update(changed)
    if after != before:
        await audit.record(uow, tenant_id, actor, action, changed.id, before, after)
    return changed
