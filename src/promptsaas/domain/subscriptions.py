"""Subscriptions and the entitlements derived from them (never stored)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Limit, Plan
from promptsaas.domain.users import User


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    EXPIRED = "expired"


class Interval(StrEnum):
    """How often a subscription renews; a pack is bought once and has none."""

    MONTH = "month"
    YEAR = "year"


DEFAULT_PROVIDER = "default"
"""Provider of the implicit subscription to a tenant's default plan."""


@dataclass(slots=True)
class Subscription:
    id: str
    tenant_id: str
    user_id: str
    plan_code: str
    status: SubscriptionStatus
    current_period_start: datetime
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    provider: str = "manual"
    provider_ref: str | None = None
    grace_until: datetime | None = None
    """While `past_due`: access continues until then (the plan's grace days)."""
    provider_synced_at: datetime | None = None
    """When the provider's state was last applied (an event's `created`): an older snapshot never overwrites it."""
    interval: Interval | None = None
    """How often the provider charges it (from its price): MRR counts a yearly one as a twelfth a month."""

    def is_active(self, now: datetime) -> bool:
        if self.status is SubscriptionStatus.PAST_DUE:
            if self.grace_until is None or now >= self.grace_until:
                return False
        elif self.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
            return False
        if now < self.current_period_start:
            return False
        return self.current_period_end is None or now < self.current_period_end


def default_subscription_id(user_id: str) -> str:
    return f"default-{user_id}"


def with_default_plan(
    stored: Sequence[Subscription], user: User, default_plan_code: str | None, plan_codes: Collection[str]
) -> list[Subscription]:
    """The tenant's default plan applies to every user who holds no subscription to it: an implicit subscription,
    active since the user's creation, joins the stored ones (a stored one to that plan, even ended, replaces it)."""
    subscriptions = list(stored)
    if (
        default_plan_code is not None
        and default_plan_code in plan_codes
        and not any(s.plan_code == default_plan_code for s in subscriptions)
    ):
        subscriptions.append(
            Subscription(
                default_subscription_id(user.id),
                user.tenant_id,
                user.id,
                default_plan_code,
                SubscriptionStatus.ACTIVE,
                user.created_at,
                provider=DEFAULT_PROVIDER,
            )
        )
    return subscriptions


def plans_in_force(subscriptions: Sequence[Subscription], plans: Mapping[str, Plan], now: datetime) -> list[Plan]:
    """The plans of the subscriptions active at `now` (a subscription to a plan the tenant no longer has gives none)."""
    return [plans[s.plan_code] for s in subscriptions if s.is_active(now) and s.plan_code in plans]


@dataclass(frozen=True, slots=True)
class Entitlements:
    """What a user's active subscriptions give: agents (None = all), channels (None = all) and limits by plan."""

    agents: frozenset[str] | None
    channels: frozenset[Channel] | None
    limits: tuple[tuple[str, Limit], ...]


def entitlements(plans: list[Plan]) -> Entitlements:
    """Union of what the active plans grant."""
    agents: set[str] | None = set()
    channels: set[Channel] | None = set()
    limits: list[tuple[str, Limit]] = []
    for plan in plans:
        if plan.agents is None or agents is None:
            agents = None
        else:
            agents |= plan.agents
        if plan.channels is None or channels is None:
            channels = None
        else:
            channels |= plan.channels
        limits += [(plan.code, limit) for limit in plan.limits]
    return Entitlements(
        agents=None if agents is None else frozenset(agents),
        channels=None if channels is None else frozenset(channels),
        limits=tuple(limits),
    )
