"""The policy engine, by example: who funds an allowed call (plan priority, BYOK) and the limits it reports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from domain_builders import (
    PERIOD_END,
    PERIOD_START,
    PROVIDER,
    free_holding,
    holding,
    limit,
    plan,
    request,
)

from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import Holding, Reason
from promptsaas.domain.plans import Metric, Window
from promptsaas.domain.policy import decide
from promptsaas.domain.usage import Funding


def test_an_exhausted_byok_plan_lets_a_user_with_a_key_for_the_agents_provider_pay_with_it() -> None:
    exhausted = holding(
        plan("free", limits=[limit(Metric.REQUESTS, Window.DAY, 5)], byok=True),
        used={(Metric.REQUESTS, Window.DAY): 5},
    )

    decision = decide(request(exhausted, byok=[PROVIDER]))

    assert (decision.allowed, decision.code, decision.funding) == (True, Reason.OK, Funding.BYOK)
    assert decision.subscription == exhausted.subscription
    assert decision.limits[0].remaining == 0


@pytest.mark.parametrize(
    ("plan_byok", "keys"),
    [(True, []), (True, ["anthropic"]), (False, [PROVIDER])],
    ids=["no-key", "key-for-another-provider", "plan-forbids-byok"],
)
def test_an_exhausted_plan_without_a_usable_key_denies(plan_byok: bool, keys: list[str]) -> None:
    exhausted = holding(
        plan("free", limits=[limit(Metric.REQUESTS, Window.DAY, 5)], byok=plan_byok),
        used={(Metric.REQUESTS, Window.DAY): 5},
    )

    decision = decide(request(exhausted, byok=keys))

    assert (decision.allowed, decision.code, decision.funding) == (False, Reason.QUOTA_EXCEEDED, None)


def test_a_key_is_not_used_while_the_plan_still_has_room() -> None:
    roomy = holding(plan("free", limits=[limit(Metric.REQUESTS, Window.DAY, 5)], byok=True))

    assert decide(request(roomy, byok=[PROVIDER])).funding is Funding.PLAN


def _two_plans(*, pro_used: int, free_used: int = 0) -> tuple[Holding, Holding]:
    """`free` (5 requests a day, priority 0) and `pro` (100 a day, priority 10)."""
    daily = (Metric.REQUESTS, Window.DAY)
    free = holding(plan("free", limits=[limit(*daily, 5)]), used={daily: free_used})
    pro = holding(plan("pro", limits=[limit(*daily, 100)], priority=10), used={daily: pro_used})
    return free, pro


def test_the_highest_priority_plan_funds_the_call_first() -> None:
    free, pro = _two_plans(pro_used=0)

    decision = decide(request(free, pro))

    assert decision.plan is not None
    assert decision.plan.code == "pro"
    assert decision.subscription is not None
    assert decision.subscription.id == "sub-pro"


def test_an_exhausted_high_priority_plan_falls_back_to_the_next() -> None:
    free, pro = _two_plans(pro_used=100)

    decision = decide(request(pro, free))

    assert decision.allowed
    assert decision.plan is not None
    assert decision.plan.code == "free"
    assert decision.funding is Funding.PLAN


def test_plans_exhausted_until_the_same_time_are_reported_by_priority() -> None:
    free, pro = _two_plans(pro_used=100, free_used=5)

    decision = decide(request(free, pro))

    assert (decision.allowed, decision.code) == (False, Reason.QUOTA_EXCEEDED)
    assert decision.plan is not None
    assert decision.plan.code == "pro"


def test_a_denial_among_several_exhausted_plans_reports_the_one_that_frees_up_first() -> None:
    monthly = plan("pro", limits=[limit(Metric.TOKENS, Window.MONTH, 1000)], priority=10)
    per_minute = plan("free", limits=[limit(Metric.REQUESTS, Window.MINUTE, 2)])
    pro = holding(monthly, used={(Metric.TOKENS, Window.MONTH): 1000})
    free = holding(per_minute, used={(Metric.REQUESTS, Window.MINUTE): 2})

    decision = decide(request(pro, free))

    assert (decision.allowed, decision.code) == (False, Reason.RATE_LIMITED)
    assert decision.resets_at == datetime(2025, 3, 15, 12, 31, tzinfo=UTC)
    assert decision.plan is not None
    assert decision.plan.code == "free"


def test_a_plan_with_room_is_used_before_a_key_on_an_exhausted_higher_plan() -> None:
    daily = (Metric.REQUESTS, Window.DAY)
    pro = holding(plan("pro", limits=[limit(*daily, 5)], byok=True, priority=10), used={daily: 5})

    decision = decide(request(pro, free_holding(), byok=[PROVIDER]))

    assert decision.funding is Funding.PLAN
    assert decision.plan is not None
    assert decision.plan.code == "free"


def test_plans_that_do_not_grant_the_agent_or_channel_never_fund_it() -> None:
    other = holding(plan("pro", agents=["other"], priority=10))
    mobile = holding(plan("mobile", channels=[Channel.MOBILE], priority=5))
    free = free_holding()

    decision = decide(request(other, mobile, free, channel=Channel.WEB))

    assert decision.plan is not None
    assert decision.plan.code == "free"


def test_the_decision_lists_every_limit_with_used_remaining_and_reset_time() -> None:
    pro = plan(
        "pro",
        limits=[
            limit(Metric.REQUESTS, Window.MINUTE, 20),
            limit(Metric.TOKENS, Window.BILLING_PERIOD, 2_000_000),
            limit(Metric.TOKENS, Window.DAY, None),
        ],
    )
    used = {(Metric.REQUESTS, Window.MINUTE): 7, (Metric.TOKENS, Window.BILLING_PERIOD): 1_500_000}

    decision = decide(request(holding(pro, used=used), tokens=300))

    by_window = {s.window: s for s in decision.limits}
    assert set(by_window) == {Window.MINUTE, Window.BILLING_PERIOD, Window.DAY}
    minute, period, day = by_window[Window.MINUTE], by_window[Window.BILLING_PERIOD], by_window[Window.DAY]
    assert (minute.limit, minute.used, minute.remaining) == (20, 7, 13)
    assert minute.resets_at == datetime(2025, 3, 15, 12, 31, tzinfo=UTC)
    assert (period.limit, period.used, period.remaining) == (2_000_000, 1_500_000, 500_000)
    assert period.resets_at == PERIOD_END
    assert period.key is not None
    assert period.key.window_start == PERIOD_START
    assert (day.limit, day.used, day.remaining) == (None, 0, None)
    assert day.resets_at == datetime(2025, 3, 16, tzinfo=UTC)
    assert not any(s.exhausted for s in decision.limits)


def test_only_the_limits_the_call_would_break_are_flagged_exhausted() -> None:
    pro = plan("pro", limits=[limit(Metric.REQUESTS, Window.DAY, 50), limit(Metric.TOKENS, Window.DAY, 1000)])

    decision = decide(request(holding(pro, used={(Metric.TOKENS, Window.DAY): 950}), tokens=100))

    flagged = {s.metric: s.exhausted for s in decision.limits}
    assert flagged == {Metric.REQUESTS: False, Metric.TOKENS: True}
    assert decision.code is Reason.QUOTA_EXCEEDED
    assert "1000 tokens per day" in decision.message
