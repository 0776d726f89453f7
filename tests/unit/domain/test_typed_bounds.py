"""The bounds on what an admin or a person types (`domain.bounds`): a name, a note, a plan's numbers. A value past
its bound is refused naming its field; a value already stored keeps working, and stays editable."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from domain_builders import NOW, TENANT, plan

from promptsaas.domain.agents import Agent, check_agent_bounds
from promptsaas.domain.bounds import MAX_COUNT, MAX_DAYS, MAX_NAME, MAX_NOTE, MAX_PRIORITY
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.plans import Limit, Metric, Plan, Price, Window, check_plan_bounds, content_retention_days
from promptsaas.domain.prompts import check_note
from promptsaas.domain.users import display_name_given, display_name_typed

TOO_FAR_CASES = [
    ("a name past MAX_NAME", "name", {"name": "P" * (MAX_NAME + 1)}),
    ("a blank name", "name", {"name": "   "}),
    ("an empty name", "name", {"name": ""}),
    ("a retention of 99,999,999,999 days", "retention_days", {"retention_days": 99_999_999_999}),
    ("a trial past MAX_DAYS", "trial_days", {"trial_days": MAX_DAYS + 1}),
    ("a grace of a billion days", "grace_days", {"grace_days": 10**9}),
    ("a pack living a billion days", "expires_days", {"expires_days": 10**9}),
    ("a 23-digit priority", "priority", {"priority": 99_999_999_999_999_999_999_999}),
    ("a priority below -MAX_PRIORITY", "priority", {"priority": -MAX_PRIORITY - 1}),
    ("a 23-digit limit", "limits", {"limits": (Limit(Metric.REQUESTS, Window.DAY, 10**23 - 1),)}),
    ("a price past 2^63-1", "price", {"price": Price(monthly=2**63)}),
]


@pytest.mark.parametrize(("field", "changes"), [c[1:] for c in TOO_FAR_CASES], ids=[c[0] for c in TOO_FAR_CASES])
def test_a_new_plan_past_a_bound_is_refused_naming_the_field(field: str, changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_plan_bounds(replace(plan("pro"), **changes))  # type: ignore[arg-type]

    assert refused.value.field == field


@pytest.mark.parametrize(("field", "changes"), [c[1:] for c in TOO_FAR_CASES], ids=[c[0] for c in TOO_FAR_CASES])
def test_a_change_past_a_bound_is_refused_naming_the_field(field: str, changes: dict[str, object]) -> None:
    stored = plan("pro")

    with pytest.raises(InvalidInput) as refused:
        check_plan_bounds(replace(stored, **changes), stored)  # type: ignore[arg-type]

    assert refused.value.field == field


def test_the_largest_values_each_column_holds_are_accepted() -> None:
    largest = replace(
        plan("pro"),
        name="P" * MAX_NAME,
        retention_days=MAX_DAYS,
        trial_days=MAX_DAYS,
        grace_days=MAX_DAYS,
        expires_days=MAX_DAYS,
        priority=-MAX_PRIORITY,
        limits=(Limit(Metric.TOKENS, Window.MONTH, MAX_COUNT),),
        price=Price(monthly=MAX_COUNT, yearly=MAX_COUNT),
    )

    check_plan_bounds(largest)


def test_a_value_stored_before_the_bounds_stays_editable_when_left_as_it_was() -> None:
    stored: Plan = replace(plan("pro"), name="P" * 3000, retention_days=99_999_999_999)

    check_plan_bounds(replace(stored, priority=5), stored)
    with pytest.raises(InvalidInput, match="priority"):
        check_plan_bounds(replace(stored, priority=10**12), stored)


def test_a_retention_stored_past_max_days_counts_as_max_days_so_a_date_minus_it_is_a_date() -> None:
    huge = replace(plan("pro"), retention_days=99_999_999_999)

    days = content_retention_days([huge, replace(plan("free"), retention_days=30)])

    assert days == MAX_DAYS
    assert NOW - timedelta(days=days) < NOW


def agent(name: str) -> Agent:
    return Agent("a-1", TENANT, "tutor", name, NOW)


@pytest.mark.parametrize("name", ["N" * (MAX_NAME + 1), "", "  "], ids=["too long", "empty", "blank"])
def test_an_agent_name_past_max_name_or_blank_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_agent_bounds(agent(name))
    with pytest.raises(InvalidInput):
        check_agent_bounds(agent(name), agent("Tutor"))

    assert refused.value.field == "name"


def test_an_agent_name_stored_before_the_bound_stays_editable() -> None:
    stored = agent("N" * 5000)

    check_agent_bounds(replace(stored, description="changed"), stored)
    check_agent_bounds(agent("N" * MAX_NAME))


def test_a_version_note_past_max_note_is_refused_naming_the_field() -> None:
    assert check_note("n" * MAX_NOTE) == "n" * MAX_NOTE
    with pytest.raises(InvalidInput) as refused:
        check_note("n" * 5000)

    assert refused.value.field == "note"
    assert f"at most {MAX_NOTE:,} characters" in refused.value.message


def test_a_typed_display_name_past_max_name_is_refused_and_a_providers_is_cut() -> None:
    assert display_name_typed("  Ada  ") == "Ada"
    assert display_name_typed("") == ""
    with pytest.raises(InvalidInput) as refused:
        display_name_typed("N" * 5000)

    assert refused.value.field == "display_name"
    assert display_name_given("G" * 5000) == "G" * MAX_NAME


def test_a_limit_stored_past_max_count_is_held_to_max_count_and_a_smaller_one_to_itself() -> None:
    assert Limit(Metric.REQUESTS, Window.DAY, 10**23 - 1).enforced_amount == MAX_COUNT
    assert Limit(Metric.REQUESTS, Window.DAY, 5).enforced_amount == 5
    assert Limit(Metric.REQUESTS, Window.DAY, None).enforced_amount is None
