"""A caller's sampling parameters are bounded by the agent's: lower is taken, higher is not, stops are added."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.prompts import DEFAULT_MAX_OUTPUT_TOKENS, ModelParams
from promptsaas.domain.requested_params import RequestedParams, params_within_agent

AGENT = ModelParams(temperature=0.7, max_output_tokens=300, top_p=0.9, stop=("###",))

temperatures = st.none() | st.floats(0, 2)
top_ps = st.none() | st.floats(0.01, 1)
budgets = st.none() | st.integers(1, 100_000)


@given(temperatures, top_ps, budgets, temperatures, top_ps, budgets)
def test_a_caller_never_gets_more_than_the_agent_allows(
    agent_t: float | None,
    agent_p: float | None,
    agent_n: int | None,
    asked_t: float | None,
    asked_p: float | None,
    asked_n: int | None,
) -> None:
    agent = ModelParams(agent_t, agent_n, agent_p)
    params = params_within_agent(agent, RequestedParams(asked_t, asked_p, asked_n))

    assert params.output_budget <= agent.output_budget
    if agent_t is not None:
        assert params.temperature is not None
        assert params.temperature <= agent_t
    if agent_p is not None:
        assert params.top_p is not None
        assert params.top_p <= agent_p
    if asked_n is not None:
        assert params.output_budget <= asked_n


def test_no_preference_leaves_the_agents_parameters_as_they_are() -> None:
    assert params_within_agent(AGENT, RequestedParams()) == AGENT
    assert params_within_agent(ModelParams(), RequestedParams()) == ModelParams()


def test_a_budget_asked_of_an_agent_without_one_is_capped_at_the_platform_default() -> None:
    params = params_within_agent(ModelParams(), RequestedParams(max_output_tokens=50_000))

    assert params.output_budget == DEFAULT_MAX_OUTPUT_TOKENS


def test_stop_sequences_join_the_agents_once_each() -> None:
    params = params_within_agent(AGENT, RequestedParams(stop=("END", "###", "")))

    assert params.stop == ("###", "END")


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"temperature": 2.1}, "temperature"),
        ({"top_p": 0.0}, "top_p"),
        ({"max_output_tokens": 0}, "max_tokens"),
        ({"stop": ("a", "b", "c", "d", "e")}, "stop"),
    ],
)
def test_a_value_out_of_range_names_its_field(asked: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        RequestedParams(**asked)  # type: ignore[arg-type]

    assert refused.value.field == field


def test_too_many_stop_sequences_with_the_agents_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        params_within_agent(AGENT, RequestedParams(stop=("a", "b", "c", "d")))

    assert refused.value.field == "stop"
