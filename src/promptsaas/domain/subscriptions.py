"""Subscriptions and the entitlements derived from them (never stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Limit, Plan


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    EXPIRED = "expired"


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

    def is_active(self, now: datetime) -> bool:
        if self.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
            return False
        if now < self.current_period_start:
            return False
        return self.current_period_end is None or now < self.current_period_end


def default_subscription_id(user_id: str) -> str:
    return f"default-{user_id}"


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
