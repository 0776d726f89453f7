"""What the policy engine is asked and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Metric, Plan, Window
from promptsaas.domain.quota import CounterKey
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.usage import Funding
from promptsaas.domain.users import Role, UserStatus


class Reason(StrEnum):
    OK = "ok"
    TENANT_MISMATCH = "tenant_mismatch"
    USER_DISABLED = "user_disabled"
    AGENT_UNAVAILABLE = "agent_unavailable"
    NO_SUBSCRIPTION = "no_subscription"
    AGENT_NOT_IN_PLAN = "agent_not_in_plan"
    CHANNEL_NOT_ALLOWED = "channel_not_allowed"
    RATE_LIMITED = "rate_limited"
    QUOTA_EXCEEDED = "quota_exceeded"
    SUBSCRIPTION_INACTIVE = "subscription_inactive"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    tenant_id: str
    role: Role
    status: UserStatus
    tenant_active: bool = True


@dataclass(frozen=True, slots=True)
class AgentFacts:
    slug: str
    tenant_id: str
    status: AgentStatus
    has_active_version: bool
    provider: str
    """The provider of the active version's model: the one a BYOK key must be for."""


@dataclass(frozen=True, slots=True)
class Holding:
    """A subscription with its plan and the current counter totals (used + reserved) of its limits."""

    subscription: Subscription
    plan: Plan
    counters: dict[CounterKey, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AccessRequest:
    tenant_id: str
    principal: Principal
    agent: AgentFacts
    channel: Channel
    holdings: tuple[Holding, ...]
    byok_providers: frozenset[str]
    estimated_tokens: int
    now: datetime

    def cost(self, metric: Metric) -> int:
        return 1 if metric is Metric.REQUESTS else self.estimated_tokens


@dataclass(frozen=True, slots=True)
class LimitState:
    metric: Metric
    window: Window
    limit: int | None
    used: int
    remaining: int | None
    resets_at: datetime
    key: CounterKey | None = None
    exhausted: bool = False
    """True when this limit has no room for the call that was asked about."""
    never_fits: bool = False
    """True when the call alone needs more than the whole limit (a token limit below the agent's output budget, a
    limit of zero): no later window has room for it either."""


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    code: Reason
    message: str
    subscription: Subscription | None = None
    plan: Plan | None = None
    funding: Funding | None = None
    limits: tuple[LimitState, ...] = ()

    @property
    def resets_at(self) -> datetime | None:
        """When every exhausted limit has reset, so a retry can pass (for denials); None when no retry can, because
        a limit never fits the call."""
        exhausted = [s for s in self.limits if s.exhausted]
        if not exhausted or any(s.never_fits for s in exhausted):
            return None
        return max(s.resets_at for s in exhausted)
