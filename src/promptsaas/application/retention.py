"""Retention: conversation content older than its owner's retention is purged; usage records are kept.

A user's retention follows the plans in force for them (`domain.plans.content_retention_days`), the tenant's
default plan included (`domain.subscriptions.with_default_plan`), as the policy sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.plans import content_retention_days
from promptsaas.domain.subscriptions import Subscription, plans_in_force, with_default_plan
from promptsaas.domain.tenants import Tenant


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What a retention purge removed (or, in a dry run, would remove) in one tenant."""

    tenant: str
    messages: int
    dry_run: bool


async def purge_expired_content(
    uow_factory: UnitOfWorkFactory, now: datetime, *, dry_run: bool = False, tenant_id: str | None = None
) -> list[PurgeResult]:
    """Delete the messages older than each user's retention, tenant by tenant (or in one), each in one transaction."""
    async with uow_factory() as uow:
        tenants = await uow.tenants.list()
    return [
        await _purge_tenant(uow_factory, tenant, now, dry_run)
        for tenant in tenants
        if tenant_id is None or tenant.id == tenant_id
    ]


async def _purge_tenant(uow_factory: UnitOfWorkFactory, tenant: Tenant, now: datetime, dry_run: bool) -> PurgeResult:
    async with uow_factory() as uow:
        plans = {p.code: p for p in await uow.plans.list(tenant.id)}
        held: dict[str, list[Subscription]] = {}
        for subscription in await uow.subscriptions.list(tenant.id):
            held.setdefault(subscription.user_id, []).append(subscription)
        by_days: dict[int, list[str]] = {}
        for user in await uow.users.list(tenant.id):
            subscriptions = with_default_plan(held.get(user.id, []), user, tenant.default_plan_code, plans)
            days = content_retention_days(plans_in_force(subscriptions, plans, now))
            if days is not None:
                by_days.setdefault(days, []).append(user.id)
        count = 0
        for days, user_ids in sorted(by_days.items()):
            before = now - timedelta(days=days)
            count += await uow.conversations.purge_messages(tenant.id, user_ids, before, dry_run=dry_run)
        if not dry_run:
            await uow.commit()
    return PurgeResult(tenant.slug, count, dry_run)
