"""Credit packs: a holding is a subscription to a `kind: pack` plan, from the purchase to its expiry, whose limits
count on the non-resetting `grant` window. A refund revokes what is unspent by ending the holding."""

from __future__ import annotations

from datetime import datetime, timedelta

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus


def holding_id(provider: str, purchase_ref: str) -> str:
    """One holding per purchase, whatever delivers it twice."""
    return f"pack-{provider}-{purchase_ref}"


async def grant_pack(
    uow: UnitOfWork,
    audit: AuditTrail,
    plan: Plan,
    user_id: str,
    provider: str,
    purchase_ref: str,
    now: datetime,
    actor: str,
) -> Subscription | None:
    """The holding bought by `purchase_ref`; None when that purchase was already granted."""
    sub_id = holding_id(provider, purchase_ref)
    if await uow.subscriptions.get(plan.tenant_id, sub_id) is not None:
        return None
    end = now + timedelta(days=plan.expires_days) if plan.expires_days else None
    sub = Subscription(
        sub_id,
        plan.tenant_id,
        user_id,
        plan.code,
        SubscriptionStatus.ACTIVE,
        now,
        end,
        provider=provider,
        provider_ref=purchase_ref,
    )
    await uow.subscriptions.add(sub)
    expiry = end.date().isoformat() if end else "never"
    await audit.record(uow, plan.tenant_id, actor, "pack.grant", sub_id, after=f"{plan.code} expires {expiry}")
    return sub


async def revoke_pack(uow: UnitOfWork, audit: AuditTrail, holding: Subscription, now: datetime, actor: str) -> bool:
    """End the holding now: what was unspent can fund nothing more. False when it had ended already."""
    if holding.status is not SubscriptionStatus.ACTIVE:
        return False
    holding.status = SubscriptionStatus.CANCELED
    holding.current_period_end = now
    await uow.subscriptions.update(holding)
    await audit.record(uow, holding.tenant_id, actor, "pack.revoke", holding.id, "active", "canceled (refunded)")
    return True


async def is_pack_holding(uow: UnitOfWork, sub: Subscription) -> bool:
    """Whether `sub` holds a pack: bought once, it has no renewal at the provider to cancel or resume."""
    plan = await uow.plans.get_by_code(sub.tenant_id, sub.plan_code)
    return (plan is not None and plan.is_pack) or (
        sub.provider_ref is not None and sub.id == holding_id(sub.provider, sub.provider_ref)
    )
