"""Reconciliation with a provider: each subscription the tenant knows there is re-read and its current state applied
through the same transition as the provider's events, so a missed webhook is repaired; what changed is reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from promptsaas.application.billing.context import BillingContext
from promptsaas.application.billing.packs import holding_id
from promptsaas.application.billing.sync import apply_snapshot
from promptsaas.domain.billing import PaymentProviderUnavailable
from promptsaas.domain.subscriptions import Subscription

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class SubscriptionRepair:
    """One subscription whose stored state differed from the provider's, and what was changed."""

    subscription_id: str
    provider_ref: str
    user_id: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class Reconciliation:
    provider: str
    checked: int
    repaired: tuple[SubscriptionRepair, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """Provider references that could not be read, with the reason (left as they were)."""


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value else "-"


def _facts(sub: Subscription) -> dict[str, str]:
    return {
        "plan": sub.plan_code,
        "status": sub.status.value,
        "current_period_start": _stamp(sub.current_period_start),
        "current_period_end": _stamp(sub.current_period_end),
        "cancel_at_period_end": str(sub.cancel_at_period_end).lower(),
        "grace_until": _stamp(sub.grace_until),
    }


def changes(before: Subscription, after: Subscription) -> tuple[FieldChange, ...]:
    old, new = _facts(before), _facts(after)
    return tuple(FieldChange(name, old[name], new[name]) for name in old if old[name] != new[name])


class BillingReconciler:
    def __init__(self, billing: BillingContext) -> None:
        self._billing = billing

    async def reconcile(self, tenant_id: str, provider: str = "stripe", actor: str = SYSTEM_ACTOR) -> Reconciliation:
        """Re-read every subscription of `provider` (packs, sold once, have none to re-read) and repair ours."""
        adapter = self._billing.providers.get(provider)
        async with self._billing.uow() as uow:
            known = await uow.billing.provider_subscriptions(tenant_id, provider)
            packs = {p.code for p in await uow.plans.list(tenant_id) if p.is_pack}
            credentials = await self._billing.accounts.credentials(uow, tenant_id, provider)
        refs = sorted(
            {
                s.provider_ref
                for s in known
                if s.provider_ref and s.plan_code not in packs and s.id != holding_id(provider, s.provider_ref)
            }
        )
        repaired: list[SubscriptionRepair] = []
        unreadable: list[tuple[str, str]] = []
        for ref in refs:
            try:
                snapshot = await adapter.fetch_subscription(credentials, ref)
            except PaymentProviderUnavailable as error:
                unreadable.append((ref, error.message))
                continue
            async with self._billing.uow() as uow:
                before = await uow.billing.subscription_by_ref(tenant_id, provider, ref)
                after = await apply_snapshot(
                    uow,
                    self._billing.audit,
                    tenant_id,
                    provider,
                    snapshot,
                    self._billing.clock.now(),
                    self._billing.ids.new_id(),
                    actor,
                )
                await uow.commit()
            if before is not None and after is not None and (diff := changes(before, after)):
                repaired.append(SubscriptionRepair(after.id, ref, after.user_id, diff))
        return Reconciliation(provider, len(refs), tuple(repaired), tuple(unreadable))
