"""Reading a catalog document: the README's example parses; a bad document names every problem by its path."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptsaas.application.catalog.document import parse_catalog, parse_prompt
from promptsaas.domain.errors import CatalogInvalid
from promptsaas.domain.plans import Limit, Metric, Window
from promptsaas.domain.templates import VariableType
from promptsaas.entrypoints.cli.demo import CATALOG as DEMO_CATALOG

ROOT = Path(__file__).resolve().parents[3]
VALID: dict[str, Any] = {
    "agents": [
        {
            "slug": "tutor",
            "name": "Math tutor",
            "prompt": {
                "system": "You are a {{ level }} math tutor.",
                "user": "{{ input }}",
                "variables": {"level": {"type": "enum", "values": ["beginner", "expert"], "default": "beginner"}},
                "model": "offline:echo",
            },
        }
    ],
    "plans": [
        {"code": "free", "default": True, "agents": ["tutor"], "limits": [{"metric": "requests", "window": "day"}]},
        {"code": "pro", "agents": "all", "priority": 10},
    ],
}


def readme_catalog() -> Any:
    """The YAML example under the README's "Catalog" heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Catalog", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the README has a YAML catalog example"
    return yaml.safe_load(block.group(1))


def problems_of(document: Any) -> tuple[str, ...]:
    with pytest.raises(CatalogInvalid) as raised:
        parse_catalog(document)
    assert raised.value.code == "catalog_invalid"
    return raised.value.problems


def changed(path: str, value: Any) -> dict[str, Any]:
    """VALID with the value at a dotted path (`agents.0.prompt.model`) replaced; `...` deletes it."""
    document = copy.deepcopy(VALID)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target: Any = document
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return document


def test_the_readme_catalog_example_parses_into_models_agents_and_plans() -> None:
    doc = parse_catalog(readme_catalog())

    assert [m.id for m in doc.models] == ["openai:gpt-4o-mini"]
    assert doc.models[0].input_usd_per_mtok == Decimal("0.15")
    assert doc.models[0].vision is True
    tutor = doc.agents[0]
    assert tutor.slug == "tutor"
    assert tutor.fields["styles"] == {"concise": "Answer in at most three sentences."}
    assert tutor.note == "why this version"
    assert tutor.prompt is not None
    assert tutor.prompt.variables[0].type is VariableType.ENUM
    assert tutor.prompt.params.stop == ("\n\n",)
    assert [p.code for p in doc.plans] == ["free", "pro", "enterprise"]
    assert doc.default_plan == "free"
    free, pro, enterprise = doc.plans
    assert free.agents == frozenset({"tutor"})
    assert free.channels is None
    assert free.byok
    assert pro.price is not None
    assert (pro.price.monthly, pro.price.yearly, pro.price.currency) == (900, 9000, "usd")
    assert pro.limits == (
        Limit(Metric.REQUESTS, Window.MINUTE, 20),
        Limit(Metric.TOKENS, Window.BILLING_PERIOD, 2_000_000),
    )
    assert enterprise.agents is None
    assert enterprise.limits == ()


def test_the_demo_catalog_parses() -> None:
    doc = parse_catalog(yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8")))

    assert doc.agents
    assert doc.plans
    assert doc.default_plan
    assert doc.default_agent == "tutor"


def test_a_minimal_document_gets_the_documented_defaults() -> None:
    doc = parse_catalog({"agents": [{"slug": "echo"}], "plans": [{"code": "free"}]})

    agent, plan = doc.agents[0], doc.plans[0]
    assert agent.fields == {
        "name": "echo",
        "description": "",
        "status": "published",
        "history_turns": 6,
        "accepts_client_system": False,
        "styles": {},
    }
    assert agent.prompt is None
    assert (plan.name, plan.agents, plan.channels, plan.limits, plan.byok, plan.priority) == (
        "free",
        None,
        None,
        (),
        False,
        0,
    )
    assert doc.default_plan is None


def test_a_limit_without_an_amount_is_unlimited() -> None:
    assert parse_catalog(VALID).plans[0].limits == (Limit(Metric.REQUESTS, Window.DAY, None),)


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("agents.0.prompt.variables.level.type", "text", "agents[0].prompt.variables.level.type: must be one of"),
        ("agents.0.prompt.variables.level.colour", "red", "agents[0].prompt.variables.level.colour: unknown field"),
        ("agents.0.prompt.temperature", 0.2, "agents[0].prompt.temperature: unknown field"),
        ("agents.0.history_turns", "six", "agents[0].history_turns: must be int"),
        ("agents.0.history_turns", 101, "agents[0].history_turns: must be between 0 and 100"),
        ("agents.0.status", "live", "agents[0].status: must be one of draft, published, retired"),
        ("agents.0.slug", ..., "agents[0].slug: is required"),
        ("agents.0.slug", "Math Tutor", "agents[0].slug: slug 'Math Tutor' must be"),
        ("agents.0.slug", "tutor\n", "agents[0].slug: slug 'tutor\\n' must be"),
        ("agents.0.styles", ["concise"], "agents[0].styles: must be a mapping"),
        ("agents.0.prompt.model", "echo", "agents[0].prompt.model: model 'echo' must look like provider:model"),
        ("agents.0.prompt.system", ..., "agents[0].prompt.system: is required"),
        ("agents.0.prompt.params", {"top_p": 3}, "agents[0].prompt.params.top_p: top_p must be in (0, 1]"),
        ("plans.0.limits.0.metric", "calls", "plans[0].limits[0].metric: must be one of requests, tokens"),
        ("plans.0.limits.0.window", "week", "plans[0].limits[0].window: must be one of minute, hour, day,"),
        ("plans.0.limits.0.amount", -1, "plans[0].limits[0].amount: must not be negative"),
        ("plans.0.limits.0.amount", "10", "plans[0].limits[0].amount: must be int"),
        ("plans.0.channels", ["web", "fax"], "plans[0].channels[1]: must be one of web, mobile"),
        ("plans.0.agents", "tutor", "plans[0].agents: must be 'all' or a list"),
        ("plans.0.byok", "yes", "plans[0].byok: must be bool"),
        ("plans.1.price", {"monthly": -900}, "plans[1].price.monthly: must not be negative"),
        ("plans.1.trial_days", -7, "plans[1].trial_days: must not be negative"),
        ("plans.1.retention_days", -1, "plans[1].retention_days: must not be negative"),
        ("plans.1.tier", "gold", "plans[1].tier: unknown field"),
        ("plans.1.grace_days", 2**63 - 1, "plans[1].grace_days: must be at most 36500"),
        ("plans.1.expires_days", 2**31, "plans[1].expires_days: must be at most 36500"),
        ("plans", {"free": {}}, "plans: must be a list"),
    ],
)
def test_a_bad_value_is_reported_at_its_exact_path(path: str, value: Any, problem: str) -> None:
    problems = problems_of(changed(path, value))

    assert len(problems) == 1, problems
    assert problems[0].startswith(problem), problems


def test_an_undeclared_placeholder_names_the_template_and_the_variable() -> None:
    problems = problems_of(changed("agents.0.prompt.system", "You teach {{ subject }}."))

    assert problems == ("agents[0].prompt: system uses undeclared variable 'subject'",)


def test_a_rejected_variable_declaration_is_reported_once_not_again_as_undeclared() -> None:
    problems = problems_of(changed("agents.0.prompt.variables.level", {"type": "enum"}))

    assert problems == ("agents[0].prompt.variables.level: enum variable 'level' needs values",)


def test_a_duplicate_agent_slug_or_plan_code_is_named() -> None:
    document = copy.deepcopy(VALID)
    document["agents"].append(copy.deepcopy(document["agents"][0]))
    document["plans"][1]["code"] = "free"

    problems = problems_of(document)

    assert "agents[1].slug: 'tutor' appears twice" in problems
    assert "plans[1].code: 'free' appears twice" in problems


def test_only_one_plan_can_be_the_default() -> None:
    problems = problems_of(changed("plans.1.default", True))

    assert problems == ("plans: only one plan can be the default",)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (None, "document: is required"),
        (["agents"], "document: must be a mapping"),
        ({"agent": []}, "agent: unknown field (allowed: models, agents, plans, default_agent)"),
    ],
)
def test_a_document_that_is_not_a_catalog_is_rejected(document: Any, problem: str) -> None:
    assert problems_of(document) == (problem,)


def test_a_model_with_a_bad_id_or_price_is_rejected() -> None:
    problems = problems_of(
        {
            "models": [
                {"id": "gpt-4o", "input_usd_per_mtok": 1, "output_usd_per_mtok": 2},
                {"id": "openai:gpt-4o", "input_usd_per_mtok": "cheap", "output_usd_per_mtok": 2},
                {"id": "openai:o1", "input_usd_per_mtok": -1, "output_usd_per_mtok": 2},
            ]
        }
    )

    assert problems[0].startswith("models[0]")
    assert "provider:model" in problems[0]
    assert problems[1].startswith("models[1].input_usd_per_mtok: must be int or float")
    assert problems[2].startswith("models[2]")
    assert "negative price" in problems[2]


def test_every_problem_of_a_document_is_reported_at_once() -> None:
    document = copy.deepcopy(VALID)
    document["agents"][0]["prompt"]["variables"]["level"]["type"] = "text"
    document["agents"][0]["history_turns"] = -1
    document["plans"][0]["limits"] = [{"metric": "calls", "window": "week", "amount": -5}]
    document["plans"][1]["channels"] = ["pigeon"]

    problems = problems_of(document)

    assert [p.split(":")[0] for p in problems] == [
        "agents[0].prompt.variables.level.type",
        "agents[0].history_turns",
        "plans[0].limits[0].metric",
        "plans[0].limits[0].window",
        "plans[0].limits[0].amount",
        "plans[1].channels[0]",
    ]


def test_a_prompt_block_reads_on_its_own_with_its_note() -> None:
    block = {**VALID["agents"][0]["prompt"], "note": "first cut"}

    content, note = parse_prompt(block)

    assert note == "first cut"
    assert content.system == "You are a {{ level }} math tutor."


def test_a_bad_prompt_block_is_rejected_with_its_path() -> None:
    with pytest.raises(CatalogInvalid) as raised:
        parse_prompt({"system": "hi"})

    assert raised.value.problems == ("prompt.model: is required",)
