"""`promptsaas plan list`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.output import cell
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.plans import Plan

app = Shell(help="Plans: what a tenant sells.")
COLUMNS = ("code", "name", "default", "status", "agents", "channels", "limits", "price", "byok", "retention_days")


@app.command("list")
def list_(ctx: typer.Context, tenant: Tenant) -> None:
    """Every plan of the tenant, the default one marked."""
    s = session(ctx)
    catalog = s.run(lambda p: p.tenant(tenant).plan_catalog())
    s.out.rows([row(plan, plan.code == catalog.default_plan) for plan in catalog.plans], COLUMNS, human=human)


def row(plan: Plan, default: bool) -> dict[str, object]:
    limits = [{"metric": x.metric.value, "window": x.window.value, "amount": x.amount} for x in plan.limits]
    price = plan.price
    return {
        "code": plan.code,
        "name": plan.name,
        "default": default,
        "status": plan.status.value,
        "agents": "all" if plan.agents is None else sorted(plan.agents),
        "channels": "all" if plan.channels is None else sorted(c.value for c in plan.channels),
        "limits": limits,
        "price": None
        if price is None
        else {"monthly": price.monthly, "yearly": price.yearly, "currency": price.currency},
        "byok": plan.byok,
        "retention_days": plan.retention_days,
        "priority": plan.priority,
        "trial_days": plan.trial_days,
        "public": plan.public,
    }


def human(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """Limits as `5 requests/day`, prices as `900/9000 usd`."""
    limits = [f"{_amount(x['amount'])} {x['metric']}/{x['window']}" for x in row["limits"]]
    price = row["price"]
    shown_price = f"{cell(price['monthly'])}/{cell(price['yearly'])} {price['currency']}" if price else None
    return {**row, "limits": limits or ["unlimited"], "price": shown_price}


def _amount(amount: int | None) -> str:
    return "unlimited" if amount is None else str(amount)
