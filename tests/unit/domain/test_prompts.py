"""Prompt content, model parameters, version diffs and the model registry's prices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from promptsaas.domain.errors import InvalidInput, TemplateError
from promptsaas.domain.models import ModelSpec, split_model_ref
from promptsaas.domain.prompts import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    ModelParams,
    PromptContent,
    PromptVersion,
    VersionStatus,
    diff,
)
from promptsaas.domain.templates import Variable, VariableType

LEVEL = Variable("level", VariableType.ENUM, values=("beginner", "expert"), default="beginner")


def version(number: int, system: str, **content: object) -> PromptVersion:
    prompt = PromptContent(system=system, model="offline:echo", variables=(LEVEL,), **content)  # type: ignore[arg-type]
    return PromptVersion(f"v{number}", "tenant-a", "agent-1", number, prompt, datetime(2025, 3, 1, tzinfo=UTC))


def test_a_prompt_with_declared_variables_and_a_valid_model_is_accepted() -> None:
    content = PromptContent(
        system="You are a {{ level }} math tutor.",
        model="openai:gpt-4o-mini",
        user="{{ input }}",
        variables=(LEVEL,),
        params=ModelParams(temperature=0.2, max_output_tokens=512),
    )

    assert content.params.output_budget == 512


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (dict(system="hi", model="gpt-4o"), "model"),
        (dict(system="hi {{ level }}", model="offline:echo", variables=(LEVEL, LEVEL)), "variables"),
        (dict(system="hi {{ topic }}", model="offline:echo"), "topic"),
        (dict(system="hi", model="offline:echo", user="{{ input }} {{ tone }}"), "tone"),
    ],
    ids=["model-without-provider", "variable-declared-twice", "undeclared-in-system", "undeclared-in-user"],
)
def test_invalid_prompt_content_is_rejected_naming_the_field(content: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        PromptContent(**content)  # type: ignore[arg-type]

    assert raised.value.field == field


def test_an_undeclared_placeholder_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="system uses undeclared variable 'topic'"):
        PromptContent(system="hi {{ topic }}", model="offline:echo")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (dict(temperature=-0.1), "params.temperature"),
        (dict(temperature=2.01), "params.temperature"),
        (dict(top_p=0), "params.top_p"),
        (dict(top_p=1.5), "params.top_p"),
        (dict(max_output_tokens=0), "params.max_output_tokens"),
        (dict(max_output_tokens=1_000_001), "params.max_output_tokens"),
        (dict(stop=("a", "b", "c", "d", "e")), "params.stop"),
    ],
)
def test_model_params_out_of_bounds_are_rejected(params: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        ModelParams(**params)  # type: ignore[arg-type]

    assert raised.value.field == field


def test_model_params_accept_their_bounds() -> None:
    edges = ModelParams(temperature=2, top_p=1, max_output_tokens=1_000_000, stop=("a", "b", "c", "d"))
    assert ModelParams(temperature=0, max_output_tokens=1).output_budget == 1
    assert edges.as_dict() == {"temperature": 2, "max_output_tokens": 1_000_000, "top_p": 1, "stop": list("abcd")}
    assert ModelParams().output_budget == DEFAULT_MAX_OUTPUT_TOKENS
    assert ModelParams().as_dict() == {}


def test_a_diff_shows_the_changed_line_between_numbered_versions() -> None:
    old = version(1, "You are a {{ level }} math tutor.\nShow your steps.")
    new = version(3, "You are a {{ level }} math tutor. Be brief.\nShow your steps.")

    shown = diff(old, new, agent="tutor")

    assert "--- tutor@v1" in shown
    assert "+++ tutor@v3" in shown
    assert "-  You are a {{ level }} math tutor.\n" in shown
    assert "+  You are a {{ level }} math tutor. Be brief.\n" in shown
    assert "-  Show your steps." not in shown


def test_a_diff_shows_model_and_parameter_changes() -> None:
    old = version(1, "tutor")
    new = version(2, "tutor", params=ModelParams(temperature=0.7))

    shown = diff(old, new, agent="tutor")

    assert "+param temperature: 0.7" in shown


def test_identical_versions_have_an_empty_diff() -> None:
    assert diff(version(1, "same"), version(2, "same"), agent="tutor") == ""


def test_activating_and_archiving_change_only_the_lifecycle() -> None:
    draft = version(2, "tutor")

    active = draft.activated(previous=1)

    assert (active.status, active.activated_from) == (VersionStatus.ACTIVE, 1)
    assert active.content == draft.content
    assert active.number == 2
    assert active.archived().status is VersionStatus.ARCHIVED
    assert draft.status is VersionStatus.DRAFT


def test_the_cost_of_a_call_is_priced_per_million_tokens_in_micro_usd() -> None:
    mini = ModelSpec("openai:gpt-4o-mini", Decimal("0.15"), Decimal("0.60"))

    assert mini.cost_micros(1000, 500) == 150 + 300
    assert mini.cost_micros(0, 0) == 0
    assert (mini.provider, mini.name) == ("openai", "gpt-4o-mini")


def test_a_fractional_cost_rounds_half_up_to_whole_micro_usd() -> None:
    cheap = ModelSpec("offline:echo", Decimal("0.5"), Decimal("0.4"))

    assert cheap.cost_micros(1, 0) == 1
    assert cheap.cost_micros(0, 1) == 0
    assert cheap.cost_micros(3, 0) == 2


@pytest.mark.parametrize(
    "spec",
    [
        lambda: ModelSpec("openai:gpt", Decimal("-1"), Decimal(0)),
        lambda: ModelSpec("openai:gpt", Decimal(0), Decimal("-0.01")),
        lambda: ModelSpec("openai:gpt", Decimal(0), Decimal(0), context_window=0),
        lambda: ModelSpec("gpt", Decimal(0), Decimal(0)),
    ],
    ids=["negative-input-price", "negative-output-price", "empty-context", "no-provider"],
)
def test_an_impossible_model_spec_is_rejected(spec: Callable[[], ModelSpec]) -> None:
    with pytest.raises(InvalidInput):
        spec()


@pytest.mark.parametrize("ref", ["gpt-4o", ":gpt-4o", "openai:", "", ":"])
def test_a_model_reference_must_name_provider_and_model(ref: str) -> None:
    with pytest.raises(InvalidInput, match="provider:model") as raised:
        split_model_ref(ref)

    assert raised.value.field == "model"


def test_a_model_name_may_itself_contain_colons() -> None:
    assert split_model_ref("ollama:llama3:8b") == ("ollama", "llama3:8b")
