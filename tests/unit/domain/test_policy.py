"""The policy engine, by example: one test per reason code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from domain_builders import (
    NOW,
    OTHER_TENANT,
    agent,
    free_holding,
    holding,
    limit,
    plan,
    principal,
    request,
    subscription,
)

from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AccessRequest, Reason
from promptsaas.domain.plans import Metric, Window
from promptsaas.domain.policy import decide
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus
from promptsaas.domain.usage import Funding
from promptsaas.domain.users import UserStatus


def test_an_active_member_with_room_on_a_granting_plan_is_allowed_and_funded_by_it() -> None:
    free = free_holding()

    decision = decide(request(free))

    assert decision.allowed
    assert decision.code is Reason.OK
    assert decision.funding is Funding.PLAN
    assert decision.subscription == free.subscription
    assert decision.plan == free.plan
    assert decision.resets_at is None


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: request(free_holding(), who=principal(tenant_id=OTHER_TENANT)), id="user-elsewhere"),
        pytest.param(lambda: request(free_holding(), facts=agent(tenant_id=OTHER_TENANT)), id="agent-elsewhere"),
        pytest.param(lambda: request(free_holding(), tenant_id=OTHER_TENANT), id="request-elsewhere"),
    ],
)
def test_a_call_across_tenants_is_denied_as_tenant_mismatch(call: Callable[[], AccessRequest]) -> None:
    decision = decide(call())

    assert not decision.allowed
    assert decision.code is Reason.TENANT_MISMATCH
    assert decision.subscription is None
    assert decision.limits == ()


def test_a_disabled_user_is_denied() -> None:
    decision = decide(request(free_holding(), who=principal(status=UserStatus.DISABLED)))

    assert (decision.allowed, decision.code) == (False, Reason.USER_DISABLED)


def test_every_user_of_a_suspended_tenant_is_denied_as_disabled() -> None:
    decision = decide(request(free_holding(), who=principal(tenant_active=False)))

    assert (decision.allowed, decision.code) == (False, Reason.USER_DISABLED)


@pytest.mark.parametrize(
    ("status", "has_active_version"),
    [(AgentStatus.DRAFT, True), (AgentStatus.RETIRED, True), (AgentStatus.PUBLISHED, False)],
    ids=["draft", "retired", "no-active-version"],
)
def test_an_agent_that_cannot_answer_is_unavailable(status: AgentStatus, has_active_version: bool) -> None:
    decision = decide(request(free_holding(), facts=agent(status=status, has_active_version=has_active_version)))

    assert (decision.allowed, decision.code) == (False, Reason.AGENT_UNAVAILABLE)
    assert "tutor" in decision.message


def test_a_user_without_any_subscription_is_told_so() -> None:
    decision = decide(request())

    assert (decision.allowed, decision.code) == (False, Reason.NO_SUBSCRIPTION)


@pytest.mark.parametrize(
    "sub",
    [
        subscription(status=SubscriptionStatus.CANCELED),
        subscription(status=SubscriptionStatus.EXPIRED),
        subscription(status=SubscriptionStatus.PAST_DUE),
        subscription(start=NOW - timedelta(days=60), end=NOW - timedelta(days=30)),
        subscription(start=NOW + timedelta(days=1), end=None),
    ],
    ids=["canceled", "expired", "past-due", "past-period-end", "not-started"],
)
def test_only_inactive_subscriptions_deny_as_subscription_inactive(sub: Subscription) -> None:
    free = plan("free", limits=[limit(Metric.REQUESTS, Window.DAY, 10)])

    decision = decide(request(holding(free, sub=sub)))

    assert (decision.allowed, decision.code) == (False, Reason.SUBSCRIPTION_INACTIVE)


def test_a_trialing_subscription_counts_as_active() -> None:
    free = plan("free")

    decision = decide(request(holding(free, sub=subscription(status=SubscriptionStatus.TRIALING))))

    assert decision.allowed


def test_an_agent_outside_every_plan_is_denied_as_not_in_plan() -> None:
    decision = decide(request(holding(plan("free", agents=["other-agent"]))))

    assert (decision.allowed, decision.code) == (False, Reason.AGENT_NOT_IN_PLAN)
    assert "tutor" in decision.message


def test_a_channel_the_plan_does_not_allow_is_denied() -> None:
    web_only = holding(plan("free", channels=[Channel.WEB]))

    assert decide(request(web_only, channel=Channel.WEB)).allowed
    decision = decide(request(web_only, channel=Channel.TELEGRAM))
    assert (decision.allowed, decision.code) == (False, Reason.CHANNEL_NOT_ALLOWED)
    assert "telegram" in decision.message


@pytest.mark.parametrize("window", [Window.MINUTE, Window.HOUR])
def test_an_exhausted_short_window_is_a_rate_limit(window: Window) -> None:
    capped = plan("free", limits=[limit(Metric.REQUESTS, window, 3)])

    assert decide(request(holding(capped, used={(Metric.REQUESTS, window): 2}))).allowed
    decision = decide(request(holding(capped, used={(Metric.REQUESTS, window): 3})))

    assert (decision.allowed, decision.code) == (False, Reason.RATE_LIMITED)


@pytest.mark.parametrize("window", [Window.DAY, Window.MONTH, Window.BILLING_PERIOD])
def test_an_exhausted_long_window_is_a_quota(window: Window) -> None:
    capped = plan("free", limits=[limit(Metric.TOKENS, window, 1000)])

    assert decide(request(holding(capped, used={(Metric.TOKENS, window): 900}), tokens=100)).allowed
    decision = decide(request(holding(capped, used={(Metric.TOKENS, window): 901}), tokens=100))

    assert (decision.allowed, decision.code) == (False, Reason.QUOTA_EXCEEDED)


def test_a_quota_outranks_a_rate_limit_when_both_are_exhausted() -> None:
    capped = plan("free", limits=[limit(Metric.REQUESTS, Window.MINUTE, 1), limit(Metric.REQUESTS, Window.DAY, 5)])
    used = {(Metric.REQUESTS, Window.MINUTE): 1, (Metric.REQUESTS, Window.DAY): 5}

    decision = decide(request(holding(capped, used=used)))

    assert decision.code is Reason.QUOTA_EXCEEDED
    assert decision.resets_at == datetime(2025, 3, 16, tzinfo=UTC)


def test_a_denied_call_says_when_it_can_be_retried() -> None:
    capped = plan("free", limits=[limit(Metric.REQUESTS, Window.MINUTE, 1), limit(Metric.REQUESTS, Window.DAY, 5)])

    decision = decide(request(holding(capped, used={(Metric.REQUESTS, Window.MINUTE): 1})))

    assert decision.code is Reason.RATE_LIMITED
    assert decision.resets_at == datetime(2025, 3, 15, 12, 31, tzinfo=UTC)
    assert "1 requests per minute" in decision.message


def test_a_call_larger_than_a_whole_limit_says_so_and_gives_no_retry_time() -> None:
    """A token limit below what one call reserves (its prompt and the agent's output budget) never has room: waiting
    for the reset would not help, so the denial names what the call needs and no retry time."""
    small = plan("free", limits=[limit(Metric.TOKENS, Window.DAY, 300), limit(Metric.REQUESTS, Window.DAY, 5)])

    assert decide(request(holding(small), tokens=300)).allowed
    decision = decide(request(holding(small), tokens=1068))

    assert (decision.allowed, decision.code) == (False, Reason.QUOTA_EXCEEDED)
    assert decision.message == "this call needs up to 1068 tokens, more than the 300 tokens per day your plan allows"
    assert decision.resets_at is None
    assert [(s.metric, s.exhausted, s.never_fits) for s in decision.limits] == [
        (Metric.TOKENS, True, True),
        (Metric.REQUESTS, False, False),
    ]


def test_a_plan_that_will_have_room_is_named_before_one_that_never_fits() -> None:
    roomy = plan("pro", limits=[limit(Metric.TOKENS, Window.DAY, 5000)], priority=1)
    small = plan("free", limits=[limit(Metric.TOKENS, Window.DAY, 300)], priority=2)

    decision = decide(request(holding(small), holding(roomy, used={(Metric.TOKENS, Window.DAY): 4500}), tokens=1068))

    assert decision.plan is not None
    assert decision.plan.code == "pro"
    assert decision.message == "quota exhausted (5000 tokens per day)"
    assert decision.resets_at == datetime(2025, 3, 16, tzinfo=UTC)


def test_a_limit_of_zero_denies_and_an_unlimited_limit_never_does() -> None:
    closed = plan("closed", limits=[limit(Metric.REQUESTS, Window.DAY, 0)])
    open_ended = plan("open", limits=[limit(Metric.TOKENS, Window.MONTH, None)])

    assert decide(request(holding(closed))).code is Reason.QUOTA_EXCEEDED
    assert decide(request(holding(closed))).resets_at is None
    decision = decide(request(holding(open_ended, used={(Metric.TOKENS, Window.MONTH): 10**12})))
    assert decision.allowed
    assert decision.limits[0].remaining is None
