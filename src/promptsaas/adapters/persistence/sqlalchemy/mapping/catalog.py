"""Row <-> entity for the catalog: agents, prompt versions, plans and tenant model overrides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.mapping import Row
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Limit, Metric, Plan, PlanKind, PlanStatus, Price, Window
from promptsaas.domain.prompts import ModelParams, PromptContent, PromptVersion, VersionStatus
from promptsaas.domain.templates import Variable, VariableType


def agent_row(a: Agent) -> dict[str, Any]:
    return {
        "tenant_id": a.tenant_id,
        "id": a.id,
        "slug": a.slug,
        "name": a.name,
        "description": a.description,
        "status": a.status.value,
        "history_turns": a.history_turns,
        "styles": dict(a.styles),
        "created_at": a.created_at,
        "accepts_client_system": a.accepts_client_system,
    }


def agent_of(r: Row) -> Agent:
    return Agent(
        r["id"],
        r["tenant_id"],
        r["slug"],
        r["name"],
        r["created_at"],
        r["description"],
        AgentStatus(r["status"]),
        r["history_turns"],
        dict(r["styles"]),
        bool(r["accepts_client_system"]),
    )


def version_row(v: PromptVersion) -> dict[str, Any]:
    content = v.content
    return {
        "tenant_id": v.tenant_id,
        "id": v.id,
        "agent_id": v.agent_id,
        "number": v.number,
        "status": v.status.value,
        "system": content.system,
        "user_template": content.user,
        "model": content.model,
        "variables": [_variable_json(var) for var in content.variables],
        "params": {**content.params.as_dict(), "stop": list(content.params.stop)},
        "author": v.author,
        "note": v.note,
        "activated_from": v.activated_from,
        "created_at": v.created_at,
    }


def version_of(r: Row) -> PromptVersion:
    params = dict(r["params"])
    content = PromptContent(
        system=r["system"],
        model=r["model"],
        user=r["user_template"],
        variables=tuple(_variable_of(v) for v in r["variables"]),
        params=ModelParams(
            params.get("temperature"), params.get("max_output_tokens"), params.get("top_p"), tuple(params["stop"])
        ),
    )
    return PromptVersion(
        r["id"],
        r["tenant_id"],
        r["agent_id"],
        r["number"],
        content,
        r["created_at"],
        r["author"],
        r["note"],
        VersionStatus(r["status"]),
        r["activated_from"],
    )


def _variable_json(v: Variable) -> dict[str, Any]:
    return {
        "name": v.name,
        "type": v.type.value,
        "required": v.required,
        "default": v.default,
        "values": list(v.values),
        "max_length": v.max_length,
    }


def _variable_of(d: dict[str, Any]) -> Variable:
    return Variable(
        d["name"], VariableType(d["type"]), d["required"], d["default"], tuple(d["values"]), d["max_length"]
    )


def plan_row(p: Plan) -> dict[str, Any]:
    price = p.price
    return {
        "tenant_id": p.tenant_id,
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "status": p.status.value,
        "public": p.public,
        "agents": None if p.agents is None else sorted(p.agents),
        "channels": None if p.channels is None else sorted(c.value for c in p.channels),
        "limits": [{"metric": lim.metric.value, "window": lim.window.value, "amount": lim.amount} for lim in p.limits],
        "price": None
        if price is None
        else {
            "monthly": price.monthly,
            "yearly": price.yearly,
            "currency": price.currency,
            "provider_ids": [list(pair) for pair in price.provider_ids],
            "once": price.once,
            "stars": price.stars,
        },
        "byok": p.byok,
        "retention_days": p.retention_days,
        "trial_days": p.trial_days,
        "priority": p.priority,
        "kind": p.kind.value,
        "grace_days": p.grace_days,
        "expires_days": p.expires_days,
    }


def plan_of(r: Row) -> Plan:
    price = r["price"]
    return Plan(
        id=r["id"],
        tenant_id=r["tenant_id"],
        code=r["code"],
        name=r["name"],
        agents=None if r["agents"] is None else frozenset(r["agents"]),
        channels=None if r["channels"] is None else frozenset(Channel(c) for c in r["channels"]),
        limits=tuple(Limit(Metric(d["metric"]), Window(d["window"]), d["amount"]) for d in r["limits"]),
        price=None
        if price is None
        else Price(
            price["monthly"],
            price["yearly"],
            price["currency"],
            tuple((a, b) for a, b in price["provider_ids"]),
            price.get("once"),
            price.get("stars"),
        ),
        byok=bool(r["byok"]),
        retention_days=r["retention_days"],
        trial_days=r["trial_days"],
        priority=r["priority"],
        status=PlanStatus(r["status"]),
        public=bool(r["public"]),
        kind=PlanKind(r["kind"]),
        grace_days=r["grace_days"],
        expires_days=r["expires_days"],
    )


def model_row(tenant_id: str, m: ModelSpec) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "model_id": m.id,
        "input_usd_per_mtok": str(m.input_usd_per_mtok),
        "output_usd_per_mtok": str(m.output_usd_per_mtok),
        "context_window": m.context_window,
        "vision": m.vision,
    }


def model_of(r: Row) -> ModelSpec:
    return ModelSpec(
        r["model_id"],
        Decimal(r["input_usd_per_mtok"]),
        Decimal(r["output_usd_per_mtok"]),
        r["context_window"],
        bool(r["vision"]),
    )
