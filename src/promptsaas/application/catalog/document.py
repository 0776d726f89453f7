"""The catalog document schema: models, agents with their prompt, and plans (see README, "Catalog")."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from promptsaas.application.catalog.plan_entries import read_plan
from promptsaas.application.catalog.prompt_block import read_prompt
from promptsaas.application.catalog.schema import Node, Problems
from promptsaas.domain.bounds import MAX_CONTEXT_WINDOW, MAX_USD_PER_MTOK
from promptsaas.domain.errors import CatalogInvalid
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Plan
from promptsaas.domain.prompts import PromptContent, check_note
from promptsaas.domain.tenants import check_slug

AGENT_KEYS = ("slug", "name", "description", "status", "history_turns", "styles", "accepts_client_system", "prompt")


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
    default_agent: str | None = None
    """The agent answering a messenger chat until the person chooses one; None leaves the stored one as it is."""


def parse_catalog(document: Any) -> CatalogDocument:
    """Read a whole document or raise `CatalogInvalid` listing every problem by path."""
    problems = Problems()
    root = Node(document, "", problems)
    if not root.mapping(("models", "agents", "plans", "default_agent"), required=True):
        raise CatalogInvalid(problems.items)
    models = [m for m in (_model(n) for n in root.child("models").items()) if m]
    agents = [a for a in (_agent(n) for n in root.child("agents").items()) if a]
    plans_nodes = root.child("plans").items()
    plans = [p for p in (read_plan(n) for n in plans_nodes) if p]
    defaults = [n.child("code").value for n in plans_nodes if n.child("default").get(bool, False)]
    _unique(root.child("agents"), "slug", problems)
    _unique(root.child("plans"), "code", problems)
    if len(defaults) > 1:
        root.child("plans").fail("only one plan can be the default")
    default_agent = root.child("default_agent").get(str)
    if problems.items:
        raise CatalogInvalid(problems.items)
    return CatalogDocument(models, agents, plans, defaults[0] if defaults else None, default_agent)


def parse_prompt(document: Any, path: str = "prompt") -> tuple[PromptContent, str]:
    """Read a `prompt:` block on its own (as `prompt push` takes it)."""
    problems = Problems()
    content = read_prompt(Node(document, path, problems))
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
    price_in = node.child("input_usd_per_mtok").number((int, float), MAX_USD_PER_MTOK, required=True)
    price_out = node.child("output_usd_per_mtok").number((int, float), MAX_USD_PER_MTOK, required=True)
    window = node.child("context_window").number(int, MAX_CONTEXT_WINDOW, 128_000)
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
        "name": node.child("name").name(slug),
        "description": node.child("description").get(str, ""),
        "status": node.child("status").choice(("draft", "published", "retired"), "published"),
        "history_turns": node.child("history_turns").get(int, 6),
        "accepts_client_system": node.child("accepts_client_system").get(bool, False),
    }
    styles = node.child("styles")
    if styles.mapping(tuple(styles.value) if isinstance(styles.value, dict) else ()):
        fields["styles"] = {str(k): styles.child(str(k)).get(str, "") for k in styles.value}
    else:
        fields["styles"] = {}
    prompt_node = node.child("prompt")
    prompt = read_prompt(prompt_node) if prompt_node.present else None
    note = prompt_node.child("note").get(str, "") if prompt_node.present else ""
    if note:
        prompt_node.child("note").build(functools.partial(check_note, note))
    if slug is None:
        return None
    if not 0 <= int(fields["history_turns"]) <= 100:  # type: ignore[call-overload]
        node.child("history_turns").fail("must be between 0 and 100")
    return AgentSpec(slug, fields, prompt, note)
