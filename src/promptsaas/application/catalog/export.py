"""A tenant's catalog as a document in the schema `catalog.apply` reads; applying it back changes nothing."""

from __future__ import annotations

from typing import Any

from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.agents import Agent
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Plan, Price
from promptsaas.domain.prompts import PromptContent, PromptVersion


class CatalogExporter:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def export(self, tenant_id: str) -> dict[str, Any]:
        """The tenant's own models, every agent with its active prompt, and every plan."""
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            models = await uow.models.list(tenant_id)
            agents = [(a, await uow.versions.get_active(tenant_id, a.id)) for a in await uow.agents.list(tenant_id)]
            plans = await uow.plans.list(tenant_id)
        default = tenant.default_plan_code if tenant else None
        document: dict[str, Any] = {}
        if models:
            document["models"] = [model_entry(m) for m in sorted(models, key=lambda m: m.id)]
        document["agents"] = [agent_entry(agent, active) for agent, active in agents]
        document["plans"] = [plan_entry(p, default=p.code == default) for p in plans]
        if tenant is not None and tenant.default_agent:
            document["default_agent"] = tenant.default_agent
        return document


def model_entry(model: ModelSpec) -> dict[str, Any]:
    return {
        "id": model.id,
        "input_usd_per_mtok": float(model.input_usd_per_mtok),
        "output_usd_per_mtok": float(model.output_usd_per_mtok),
        "context_window": model.context_window,
        "vision": model.vision,
    }


def agent_entry(agent: Agent, active: PromptVersion | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "slug": agent.slug,
        "name": agent.name,
        "description": agent.description,
        "status": agent.status.value,
        "history_turns": agent.history_turns,
    }
    if agent.styles:
        entry["styles"] = dict(agent.styles)
    if agent.accepts_client_system:
        entry["accepts_client_system"] = True
    if active is not None:
        entry["prompt"] = prompt_block(active.content, active.note)
    return entry


def prompt_block(content: PromptContent, note: str = "") -> dict[str, Any]:
    """A version's content as a catalog `prompt:` block (what `prompt push` reads)."""
    block: dict[str, Any] = {"system": content.system}
    if content.user is not None:
        block["user"] = content.user
    if content.variables:
        block["variables"] = {v.name: v.describe() for v in content.variables}
    block["model"] = content.model
    if params := content.params.as_dict():
        block["params"] = params
    if note:
        block["note"] = note
    return block


def plan_entry(plan: Plan, *, default: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": plan.code, "name": plan.name}
    if default:
        entry["default"] = True
    entry["agents"] = "all" if plan.agents is None else sorted(plan.agents)
    entry["channels"] = "all" if plan.channels is None else sorted(c.value for c in plan.channels)
    entry["limits"] = [{"metric": x.metric.value, "window": x.window.value, "amount": x.amount} for x in plan.limits]
    entry["byok"] = plan.byok
    if plan.retention_days is not None:
        entry["retention_days"] = plan.retention_days
    entry["trial_days"] = plan.trial_days
    entry["priority"] = plan.priority
    if plan.price is not None:
        entry["price"] = price_entry(plan.price)
    entry["status"] = plan.status.value
    entry["public"] = plan.public
    if plan.is_pack:
        entry["kind"] = plan.kind.value
    for key in ("grace_days", "expires_days"):
        if getattr(plan, key) is not None:
            entry[key] = getattr(plan, key)
    return entry


def price_entry(price: Price) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if price.monthly is not None:
        entry["monthly"] = price.monthly
    if price.yearly is not None:
        entry["yearly"] = price.yearly
    if price.once is not None:
        entry["once"] = price.once
    if price.stars is not None:
        entry["stars"] = price.stars
    entry["currency"] = price.currency
    entry.update(dict(price.provider_ids))
    return entry
