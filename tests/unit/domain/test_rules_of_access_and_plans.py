"""The rules beside the policy engine: who may administer, when the user's own key may fund a call, which plans are
in force for a user (the tenant's default plan included), how long their conversations are kept, how much history
goes back to the model."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from domain_builders import NOW, PERIOD_START, TENANT, USER, plan, principal, subscription

from promptsaas.domain.agents import Agent
from promptsaas.domain.decisions import Decision, Reason
from promptsaas.domain.plans import Plan, content_retention_days
from promptsaas.domain.policy import may_administer, own_key_may_fund
from promptsaas.domain.subscriptions import (
    DEFAULT_PROVIDER,
    SubscriptionStatus,
    default_subscription_id,
    plans_in_force,
    with_default_plan,
)
from promptsaas.domain.users import Role, User

ANN = User(USER, TENANT, "ann@example.com", "Ann", PERIOD_START - timedelta(days=3))


def test_only_an_admin_may_administer() -> None:
    assert not may_administer(principal())
    assert may_administer(replace(principal(), role=Role.ADMIN))


@pytest.mark.parametrize("code", [Reason.QUOTA_EXCEEDED, Reason.RATE_LIMITED])
def test_exhausted_limits_are_the_denials_the_users_own_key_may_lift(code: Reason) -> None:
    assert own_key_may_fund(Decision(False, code, "limit reached"))


@pytest.mark.parametrize(
    "code", [r for r in Reason if r not in (Reason.OK, Reason.QUOTA_EXCEEDED, Reason.RATE_LIMITED)]
)
def test_no_key_lifts_any_other_denial(code: Reason) -> None:
    assert not own_key_may_fund(Decision(False, code, "refused"))


def test_an_allowed_call_needs_no_key() -> None:
    assert not own_key_may_fund(Decision(True, Reason.OK, "ok"))


def test_the_default_plan_applies_from_the_users_creation_without_a_stored_subscription() -> None:
    pro = subscription("pro")

    held = with_default_plan([pro], ANN, "free", {"free", "pro"})

    assert held[0] == pro
    implicit = held[1]
    assert (implicit.id, implicit.plan_code, implicit.provider) == (
        default_subscription_id(USER),
        "free",
        DEFAULT_PROVIDER,
    )
    assert (implicit.status, implicit.current_period_start, implicit.current_period_end) == (
        SubscriptionStatus.ACTIVE,
        ANN.created_at,
        None,
    )


def test_a_stored_subscription_to_the_default_plan_even_ended_replaces_the_implicit_one() -> None:
    canceled = subscription("free", status=SubscriptionStatus.CANCELED)

    assert with_default_plan([canceled], ANN, "free", {"free"}) == [canceled]


@pytest.mark.parametrize("default", [None, "gone"], ids=["no-default", "default-plan-deleted"])
def test_no_default_plan_adds_nothing(default: str | None) -> None:
    assert with_default_plan([], ANN, default, {"free"}) == []


def test_the_plans_in_force_are_those_of_active_subscriptions_to_existing_plans() -> None:
    plans = {"free": plan("free"), "pro": plan("pro")}
    subscriptions = [
        subscription("free"),
        subscription("pro", status=SubscriptionStatus.PAST_DUE),
        subscription("gone"),
    ]

    assert plans_in_force(subscriptions, plans, NOW) == [plans["free"]]
    assert plans_in_force(subscriptions, plans, PERIOD_START - timedelta(seconds=1)) == []


def retention(*days: int | None) -> list[Plan]:
    return [replace(plan(f"p{i}"), retention_days=d) for i, d in enumerate(days)]


def test_content_is_kept_for_the_longest_retention_among_the_plans_in_force() -> None:
    assert content_retention_days(retention(30, 365, 90)) == 365


@pytest.mark.parametrize("plans", [retention(30, None), []], ids=["a-plan-keeps-forever", "no-plan"])
def test_content_is_kept_forever_when_a_plan_or_no_plan_sets_no_retention(plans: list[Plan]) -> None:
    assert content_retention_days(plans) is None


@pytest.mark.parametrize(("turns", "messages"), [(0, 0), (1, 2), (6, 12)])
def test_each_history_turn_sends_back_a_question_and_its_reply(turns: int, messages: int) -> None:
    agent = Agent("a1", TENANT, "tutor", "Tutor", NOW, history_turns=turns)

    assert agent.history_messages == messages
