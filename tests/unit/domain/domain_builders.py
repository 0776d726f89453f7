"""Small factories for policy requests: a valid, allowed call unless a test says otherwise.

Named `domain_builders` (not `builders`) because test directories are not packages: a helper module name must be
unique across the whole test tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AccessRequest, AgentFacts, Holding, Principal
from promptsaas.domain.plans import Limit, Metric, Plan, Window
from promptsaas.domain.quota import counter_key
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus
from promptsaas.domain.users import Role, UserStatus

TENANT = "tenant-a"
OTHER_TENANT = "tenant-b"
USER = "user-1"
AGENT = "tutor"
PROVIDER = "openai"
NOW = datetime(2025, 3, 15, 12, 30, 45, tzinfo=UTC)
PERIOD_START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PERIOD_END = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)

Used = Mapping[tuple[Metric, Window], int]


def principal(
    *, tenant_id: str = TENANT, status: UserStatus = UserStatus.ACTIVE, tenant_active: bool = True
) -> Principal:
    return Principal(USER, tenant_id, Role.MEMBER, status, tenant_active)


def agent(
    *,
    slug: str = AGENT,
    tenant_id: str = TENANT,
    status: AgentStatus = AgentStatus.PUBLISHED,
    has_active_version: bool = True,
    provider: str = PROVIDER,
) -> AgentFacts:
    return AgentFacts(slug, tenant_id, status, has_active_version, provider)


def limit(metric: Metric, window: Window, amount: int | None) -> Limit:
    return Limit(metric, window, amount)


def plan(
    code: str = "free",
    *,
    agents: Iterable[str] | None = None,
    channels: Iterable[Channel] | None = None,
    limits: Iterable[Limit] = (),
    byok: bool = False,
    priority: int = 0,
) -> Plan:
    return Plan(
        id=f"plan-{code}",
        tenant_id=TENANT,
        code=code,
        name=code.title(),
        agents=None if agents is None else frozenset(agents),
        channels=None if channels is None else frozenset(channels),
        limits=tuple(limits),
        byok=byok,
        priority=priority,
    )


def subscription(
    plan_code: str = "free",
    *,
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE,
    start: datetime = PERIOD_START,
    end: datetime | None = PERIOD_END,
    sub_id: str | None = None,
) -> Subscription:
    return Subscription(sub_id or f"sub-{plan_code}", TENANT, USER, plan_code, status, start, end)


def holding(
    of_plan: Plan, *, used: Used | None = None, sub: Subscription | None = None, now: datetime = NOW
) -> Holding:
    """A subscription to `of_plan` whose counters hold `used[(metric, window)]` in the window containing `now`."""
    sub = sub or subscription(of_plan.code)
    counters = {}
    for lim in of_plan.limits:
        key, _ = counter_key(sub, lim, now)
        counters[key] = (used or {}).get((lim.metric, lim.window), 0)
    return Holding(sub, of_plan, counters)


def request(
    *holdings: Holding,
    tenant_id: str = TENANT,
    who: Principal | None = None,
    facts: AgentFacts | None = None,
    channel: Channel = Channel.WEB,
    byok: Iterable[str] = (),
    tokens: int = 100,
    now: datetime = NOW,
) -> AccessRequest:
    return AccessRequest(
        tenant_id=tenant_id,
        principal=who or principal(),
        agent=facts or agent(),
        channel=channel,
        holdings=holdings,
        byok_providers=frozenset(byok),
        estimated_tokens=tokens,
        now=now,
    )


def free_holding() -> Holding:
    """The everyday case: one active plan granting every agent on every channel, 10 requests a day."""
    return holding(plan("free", limits=[limit(Metric.REQUESTS, Window.DAY, 10)]))
