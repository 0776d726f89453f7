"""`promptsaas agent list | show | publish | retire`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from promptsaas.entrypoints.cli.options import AgentSlug, Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.agents import Agent

app = Shell(help="Agents: the personas a tenant sells access to.")
COLUMNS = ("slug", "name", "status", "active_version", "history_turns", "styles")


@app.command("list")
def list_(ctx: typer.Context, tenant: Tenant) -> None:
    """Every agent of the tenant with its active prompt version."""
    s = session(ctx)
    s.out.rows([row(o.agent, o.active_version) for o in s.run(lambda p: p.tenant(tenant).agents())], COLUMNS)


@app.command("show")
def show(ctx: typer.Context, tenant: Tenant, agent: AgentSlug) -> None:
    """One agent."""
    s = session(ctx)
    found = s.run(lambda p: p.tenant(tenant).agent(agent))
    s.out.record(row(found.agent, found.active_version))


@app.command("publish")
def publish(ctx: typer.Context, tenant: Tenant, agent: AgentSlug) -> None:
    """Make an agent available to the plans that grant it."""
    s = session(ctx)
    updated = s.run(lambda p: p.tenant(tenant).publish_agent(agent))
    s.out.done(f"agent {updated.slug} is {updated.status.value}", {"slug": updated.slug, "status": updated.status})


@app.command("retire")
def retire(ctx: typer.Context, tenant: Tenant, agent: AgentSlug) -> None:
    """Stop an agent answering (its prompts and history are kept)."""
    s = session(ctx)
    updated = s.run(lambda p: p.tenant(tenant).retire_agent(agent))
    s.out.done(f"agent {updated.slug} is {updated.status.value}", {"slug": updated.slug, "status": updated.status})


def row(agent: Agent, active: int | None) -> dict[str, object]:
    return {
        "slug": agent.slug,
        "name": agent.name,
        "description": agent.description,
        "status": agent.status.value,
        "active_version": active,
        "history_turns": agent.history_turns,
        "styles": sorted(agent.styles),
    }
