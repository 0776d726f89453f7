"""Plans and their limits: what a subscription grants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from promptsaas.domain.bounds import MAX_COUNT, MAX_DAYS, MAX_PRIORITY, named, within
from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import InvalidInput


class Metric(StrEnum):
    REQUESTS = "requests"
    TOKENS = "tokens"


class Window(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    BILLING_PERIOD = "billing_period"
    GRANT = "grant"
    """Never resets: a pack's balance, from its purchase to its expiry."""

    @property
    def is_rate(self) -> bool:
        """Short windows are rate limits (`rate_limited`); longer ones are quotas (`quota_exceeded`)."""
        return self in (Window.MINUTE, Window.HOUR)


@dataclass(frozen=True, slots=True)
class Limit:
    metric: Metric
    window: Window
    amount: int | None
    """`None` means unlimited."""

    def __post_init__(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise InvalidInput("a limit amount cannot be negative", field="amount")

    @property
    def enforced_amount(self) -> int | None:
        """The amount the counters are held to: one stored before `MAX_COUNT` bounded it counts as `MAX_COUNT`,
        the most the counters' BIGINT column compares with."""
        return None if self.amount is None else min(self.amount, MAX_COUNT)


@dataclass(frozen=True, slots=True)
class Price:
    """Prices in minor units (cents) of `currency`, with the payment providers' price ids."""

    monthly: int | None = None
    yearly: int | None = None
    currency: str = "usd"
    provider_ids: tuple[tuple[str, str], ...] = ()
    once: int | None = None
    """A pack's one-time price."""
    stars: int | None = None
    """The price in Telegram Stars: a plan's for every 30 days (a Stars subscription), a pack's once."""

    def provider_id(self, key: str) -> str | None:
        """A provider's price id by key (`stripe_monthly`, `stripe_yearly`, `stripe_once`)."""
        return dict(self.provider_ids).get(key) or None


class PlanKind(StrEnum):
    SUBSCRIPTION = "subscription"
    PACK = "pack"
    """Sold once; funds calls after the subscriptions' plans, until spent or expired."""


class PlanStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


ALL = None
"""`agents` or `channels` set to `None` grant everything."""


@dataclass(slots=True)
class Plan:
    id: str
    tenant_id: str
    code: str
    name: str
    agents: frozenset[str] | None = ALL
    channels: frozenset[Channel] | None = ALL
    limits: tuple[Limit, ...] = ()
    price: Price | None = None
    byok: bool = False
    retention_days: int | None = None
    trial_days: int = 0
    priority: int = 0
    status: PlanStatus = PlanStatus.ACTIVE
    public: bool = True
    kind: PlanKind = PlanKind.SUBSCRIPTION
    grace_days: int | None = None
    """How long `past_due` keeps access; `None` is the default (3 days)."""
    expires_days: int | None = None
    """A pack's lifetime from its purchase; `None` never expires."""

    def __post_init__(self) -> None:
        if self.kind is PlanKind.PACK and any(
            not (lim.window.is_rate or lim.window is Window.GRANT) for lim in self.limits
        ):
            raise InvalidInput("a pack's quotas use the non-resetting window 'grant'", field="limits")

    @property
    def is_pack(self) -> bool:
        return self.kind is PlanKind.PACK

    def grants_agent(self, slug: str) -> bool:
        return self.agents is None or slug in self.agents

    def allows_channel(self, channel: Channel) -> bool:
        return self.channels is None or channel in self.channels


def check_plan_bounds(plan: Plan, stored: Plan | None = None) -> None:
    """What an admin sets on a plan fits its bounds (`domain.bounds`) and its columns. A value already `stored` and
    left as it was is not checked again, so a plan saved before these bounds stays editable."""

    def changed(name: str) -> bool:
        return stored is None or getattr(plan, name) != getattr(stored, name)

    if changed("name"):
        named(plan.name)
    for days in ("retention_days", "trial_days", "grace_days", "expires_days"):
        if changed(days):
            within(getattr(plan, days), days, MAX_DAYS)
    if changed("priority"):
        within(plan.priority, "priority", MAX_PRIORITY, -MAX_PRIORITY)
    if changed("limits") and any(lim.amount is not None and lim.amount > MAX_COUNT for lim in plan.limits):
        raise InvalidInput(f"a limit's amount must be at most {MAX_COUNT:,}", field="limits")
    if changed("price") and plan.price is not None:
        for amount in (plan.price.monthly, plan.price.yearly, plan.price.once, plan.price.stars):
            within(amount, "price", MAX_COUNT)


def content_retention_days(plans_in_force: Sequence[Plan]) -> int | None:
    """Conversation content is kept for the longest retention among the plans in force; forever (`None`) when any of
    them, or none at all, sets none. A retention stored before `MAX_DAYS` bounded it counts as `MAX_DAYS`."""
    if not plans_in_force or any(p.retention_days is None for p in plans_in_force):
        return None
    return min(MAX_DAYS, max(p.retention_days for p in plans_in_force if p.retention_days is not None))
