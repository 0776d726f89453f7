"""The catalog document schema: models, agents with their prompt, and plans (see README, "Catalog")."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from promptsaas.application.catalog.schema import Node, Problems
from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import CatalogInvalid
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Limit, Metric, Plan, PlanStatus, Price, Window
from promptsaas.domain.prompts import ModelParams, PromptContent
from promptsaas.domain.templates import Variable, VariableType
from promptsaas.domain.tenants import check_slug

AGENT_KEYS = ("slug", "name", "description", "status", "history_turns", "styles", "prompt")
PROMPT_KEYS = ("system", "user", "variables", "model", "params", "note")
PLAN_KEYS = (
    "code",
    "name",
    "default",
    "agents",
    "channels",
    "limits",
    "byok",
    "retention_days",
    "trial_days",
    "priority",
    "price",
    "status",
    "public",
)
CHANNELS = tuple(c.value for c in Channel)


@dataclass(frozen=True, slots=True)
class AgentSpec:
    slug: str
    fields: dict[str, object]
    prompt: PromptContent | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class CatalogDocument:
    models: list[ModelSpec] = field(default_factory=list)
    agents: list[AgentSpec] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    default_plan: str | None = None


def parse_catalog(document: Any) -> CatalogDocument:
    """Read a whole document or raise `CatalogInvalid` listing every problem by path."""
    problems = Problems()
    root = Node(document, "", problems)
    if not root.mapping(("models", "agents", "plans"), required=True):
        raise CatalogInvalid(problems.items)
    models = [m for m in (_model(n) for n in root.child("models").items()) if m]
    agents = [a for a in (_agent(n) for n in root.child("agents").items()) if a]
    plans_nodes = root.child("plans").items()
    plans = [p for p in (_plan(n) for n in plans_nodes) if p]
    defaults = [n.child("code").value for n in plans_nodes if n.child("default").get(bool, False)]
    _unique(root.child("agents"), "slug", problems)
    _unique(root.child("plans"), "code", problems)
    if len(defaults) > 1:
        root.child("plans").fail("only one plan can be the default")
    if problems.items:
        raise CatalogInvalid(problems.items)
    return CatalogDocument(models, agents, plans, defaults[0] if defaults else None)


def parse_prompt(document: Any, path: str = "prompt") -> tuple[PromptContent, str]:
    """Read a `prompt:` block on its own (as `prompt push` takes it)."""
    problems = Problems()
    content = _prompt(Node(document, path, problems))
    if problems.items or content is None:
        raise CatalogInvalid(problems.items or [f"{path}: is required"])
    return content, str(document.get("note", "")) if isinstance(document, dict) else ""


def _unique(node: Node, key: str, problems: Problems) -> None:
    seen: set[object] = set()
    for item in node.items():
        value = item.child(key).value
        if isinstance(value, str) and value in seen:
            item.child(key).fail(f"{value!r} appears twice")
        seen.add(value)


def _model(node: Node) -> ModelSpec | None:
    if not node.mapping(("id", "input_usd_per_mtok", "output_usd_per_mtok", "context_window", "vision"), required=True):
        return None
    model_id = node.child("id").get(str, required=True)
    price_in = node.child("input_usd_per_mtok").get((int, float), required=True)
    price_out = node.child("output_usd_per_mtok").get((int, float), required=True)
    window = node.child("context_window").get(int, 128_000)
    vision = node.child("vision").get(bool, False)
    if model_id is None or price_in is None or price_out is None:
        return None
    return node.build(lambda: ModelSpec(model_id, Decimal(str(price_in)), Decimal(str(price_out)), window, vision))


def _agent(node: Node) -> AgentSpec | None:
    if not node.mapping(AGENT_KEYS, required=True):
        return None
    slug = node.child("slug").get(str, required=True)
    if slug is not None:
        slug = node.child("slug").build(functools.partial(check_slug, slug))
    fields: dict[str, object] = {
        "name": node.child("name").get(str, slug),
        "description": node.child("description").get(str, ""),
        "status": node.child("status").choice(("draft", "published", "retired"), "published"),
        "history_turns": node.child("history_turns").get(int, 6),
    }
    styles = node.child("styles")
    if styles.mapping(tuple(styles.value) if isinstance(styles.value, dict) else ()):
        fields["styles"] = {str(k): styles.child(str(k)).get(str, "") for k in styles.value}
    else:
        fields["styles"] = {}
    prompt_node = node.child("prompt")
    prompt = _prompt(prompt_node) if prompt_node.present else None
    note = prompt_node.child("note").get(str, "") if prompt_node.present else ""
    if slug is None:
        return None
    if not 0 <= int(fields["history_turns"]) <= 100:  # type: ignore[call-overload]
        node.child("history_turns").fail("must be between 0 and 100")
    return AgentSpec(slug, fields, prompt, note)


def _prompt(node: Node) -> PromptContent | None:
    if not node.mapping(PROMPT_KEYS, required=True):
        return None
    system = node.child("system").get(str, required=True)
    user = node.child("user").get(str)
    model = node.child("model").get(str, required=True)
    variables = _variables(node.child("variables"))
    params = _params(node.child("params"))
    if system is None or model is None or variables is None or params is None:
        return None
    return node.build(lambda: PromptContent(system, model, user, tuple(variables), params))


def _variables(node: Node) -> list[Variable] | None:
    if not node.present:
        return []
    if not isinstance(node.value, dict):
        node.fail("must be a mapping of variable name to declaration")
        return None
    out: list[Variable] = []
    found = len(node.problems.items)
    for name in node.value:
        var = node.child(str(name))
        if not var.mapping(("type", "required", "default", "values", "max_length")):
            continue
        kind = var.child("type").choice(tuple(t.value for t in VariableType), "string")
        values = [v.get(str, "") for v in var.child("values").items()]
        required = var.child("required").get(bool, False)
        max_length = var.child("max_length").count()
        default = var.child("default").get((str, int, float, bool))
        built = var.build(
            functools.partial(Variable, str(name), VariableType(kind), required, default, tuple(values), max_length)
        )
        if built:
            out.append(built)
    # a rejected declaration is reported once, not again as an undeclared placeholder of every template using it
    return out if len(node.problems.items) == found else None


def _params(node: Node) -> ModelParams | None:
    if not node.present:
        return ModelParams()
    if not node.mapping(("temperature", "max_output_tokens", "top_p", "stop")):
        return None
    temperature = node.child("temperature").get((int, float))
    max_tokens = node.child("max_output_tokens").get(int)
    top_p = node.child("top_p").get((int, float))
    stop = tuple(s.get(str, "") for s in node.child("stop").items())
    return node.build(lambda: ModelParams(temperature, max_tokens, top_p, stop))


def _plan(node: Node) -> Plan | None:
    if not node.mapping(PLAN_KEYS, required=True):
        return None
    code = node.child("code").get(str, required=True)
    agents = _all_or_list(node.child("agents"))
    channels = _all_or_list(node.child("channels"), CHANNELS)
    limits = [lim for lim in (_limit(n) for n in node.child("limits").items()) if lim]
    price = _price(node.child("price"))
    if code is None:
        return None
    return node.build(
        lambda: Plan(
            id="",
            tenant_id="",
            code=code,
            name=node.child("name").get(str, code),
            agents=None if agents is None else frozenset(agents),
            channels=None if channels is None else frozenset(Channel(c) for c in channels),
            limits=tuple(limits),
            price=price,
            byok=node.child("byok").get(bool, False),
            retention_days=node.child("retention_days").count(),
            trial_days=node.child("trial_days").count(0),
            priority=node.child("priority").get(int, 0),
            status=PlanStatus(node.child("status").choice(("active", "archived"), "active")),
            public=node.child("public").get(bool, True),
        )
    )


def _all_or_list(node: Node, options: tuple[str, ...] | None = None) -> list[str] | None:
    if not node.present or node.value == "all":
        return None
    if not isinstance(node.value, list):
        node.fail("must be 'all' or a list")
        return None
    out = []
    for item in node.items():
        value = item.choice(options, required=True) if options else item.get(str, required=True)
        if value is not None:
            out.append(value)
    return out


def _limit(node: Node) -> Limit | None:
    if not node.mapping(("metric", "window", "amount"), required=True):
        return None
    metric = node.child("metric").choice(tuple(m.value for m in Metric), required=True)
    window = node.child("window").choice(tuple(w.value for w in Window), required=True)
    amount = node.child("amount").count()
    if metric is None or window is None:
        return None
    return Limit(Metric(metric), Window(window), amount)


def _price(node: Node) -> Price | None:
    if not node.mapping(("monthly", "yearly", "currency", "stripe_monthly", "stripe_yearly")):
        return None
    ids = tuple(
        (key, str(node.child(key).get(str, "")))
        for key in ("stripe_monthly", "stripe_yearly")
        if node.child(key).present
    )
    return Price(
        node.child("monthly").count(),
        node.child("yearly").count(),
        node.child("currency").get(str, "usd").lower(),
        ids,
    )
