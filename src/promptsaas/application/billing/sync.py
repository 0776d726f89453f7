"""A provider's subscription snapshot applied to ours: status (with grace for `past_due`), plan by price, periods,
`cancel_at_period_end`. A snapshot older than the last one applied changes nothing, so any order of events ends in
the state the newest gives; every change writes one audit row."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.payments import ProviderSubscription
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.billing import Interval, grace_end, subscription_status
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus

_INTERVAL_OF_KEY = {"stripe_monthly": Interval.MONTH, "stripe_yearly": Interval.YEAR}


def _plan_for_price(plans: list[Plan], price_id: str | None) -> tuple[Plan | None, Interval | None]:
    """The plan selling `price_id`, and the interval when the plan names it as its monthly or yearly price."""
    for plan in plans if price_id else []:
        for key, value in dict(plan.price.provider_ids if plan.price else ()).items():
            if value == price_id:
                return plan, _INTERVAL_OF_KEY.get(key)
    return None, None


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
    """Create or update our subscription for `snapshot`; None when it belongs to no user of this tenant.
    One row per provider reference: when a concurrent event created it first, this one updates that row. A change
    writes one audit row of `action` (an admin's grant or cancel names its own)."""
    existing = await uow.billing.subscription_by_ref(tenant_id, provider, snapshot.id)
    plans = [p for p in await uow.plans.list(tenant_id) if p.price is not None]
    if existing is None:
        fresh = await _new_subscription(uow, tenant_id, provider, snapshot, plans, at, new_id)
        if fresh is None:
            return None
        created = await _synced(uow, fresh, snapshot, plans, at)
        if await uow.billing.add_subscription_once(created):
            await audit.record(uow, tenant_id, actor, action, created.id, "none", _summary(created))
            return created
        existing = await uow.billing.subscription_by_ref(tenant_id, provider, snapshot.id)
        if existing is None:
            return None
    if existing.provider_synced_at is not None and at < existing.provider_synced_at:
        return existing
    changed = await _synced(uow, existing, snapshot, plans, at)
    await uow.subscriptions.update(changed)
    before, after = _summary(existing), _summary(changed)
    if after != before:
        await audit.record(uow, tenant_id, actor, action, changed.id, before, after)
    return changed


async def _new_subscription(
    uow: UnitOfWork,
    tenant_id: str,
    provider: str,
    snapshot: ProviderSubscription,
    plans: list[Plan],
    at: datetime,
    new_id: str,
) -> Subscription | None:
    """The row a first snapshot creates, for the user its metadata or customer names (None: no user here)."""
    ref = snapshot.reference if snapshot.reference and snapshot.reference.tenant_id == tenant_id else None
    user_id = ref.user_id if ref else None
    if user_id is None and snapshot.customer_id:
        user_id = await uow.billing.customer_user(tenant_id, provider, snapshot.customer_id)
    by_price, _ = _plan_for_price(plans, snapshot.price_id)
    plan_code = by_price.code if by_price else (ref.plan_code if ref else None)
    if user_id is None or plan_code is None or await uow.users.get(tenant_id, user_id) is None:
        return None
    start = snapshot.current_period_start or at
    return Subscription(
        new_id,
        tenant_id,
        user_id,
        plan_code,
        SubscriptionStatus.EXPIRED,
        start,
        provider=provider,
        provider_ref=snapshot.id,
    )


async def _synced(
    uow: UnitOfWork, existing: Subscription, snapshot: ProviderSubscription, plans: list[Plan], at: datetime
) -> Subscription:
    """`existing` as the provider's snapshot says it is at `at` (a new object; `existing` is left as it was)."""
    by_price, priced_interval = _plan_for_price(plans, snapshot.price_id)
    status = subscription_status(snapshot.status)
    changed = replace(existing, status=status)
    changed.plan_code = by_price.code if by_price else existing.plan_code
    changed.interval = snapshot.interval or priced_interval or existing.interval
    changed.current_period_start = snapshot.current_period_start or existing.current_period_start
    changed.current_period_end = snapshot.current_period_end or existing.current_period_end
    changed.cancel_at_period_end = snapshot.cancel_at_period_end
    if status is SubscriptionStatus.PAST_DUE:
        grace = await uow.plans.get_by_code(existing.tenant_id, changed.plan_code)
        changed.grace_until = (
            existing.grace_until
            if existing.status is SubscriptionStatus.PAST_DUE and existing.grace_until
            else grace_end(at, grace.grace_days if grace else None)
        )
    else:
        changed.grace_until = None
    changed.provider_synced_at = at
    return changed
