"""`promptsaas prompt list | push | activate | rollback | diff`: an agent's immutable, numbered prompt versions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import AgentSlug, Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.prompts import PromptVersion

app = Shell(help="Prompt versions: push, activate, roll back, diff.")
COLUMNS = ("version", "status", "model", "author", "note", "created_at")
Version = Annotated[int, typer.Argument(help="A version number (1, 2, ...).", min=1, show_default=False)]


@app.command("list")
def list_(ctx: typer.Context, tenant: Tenant, agent: AgentSlug) -> None:
    """Every version of an agent, oldest first."""
    s = session(ctx)
    s.out.rows([row(v) for v in s.run(lambda p: p.tenant(tenant).prompt_versions(agent))], COLUMNS)


@app.command("push")
def push(
    ctx: typer.Context,
    tenant: Tenant,
    agent: AgentSlug,
    file: Annotated[
        Path,
        typer.Option(
            "--file", "-f", metavar="FILE", help="A YAML file holding a catalog `prompt:` block.", show_default=False
        ),
    ],
    activate: Annotated[bool, typer.Option(help="Activate the new version at once.")] = False,
) -> None:
    """Create a new version from the `prompt:` block of a file (a draft unless --activate)."""
    s = session(ctx)
    version = s.run(lambda p: p.tenant(tenant).push_prompt(agent, file, activate=activate))
    s.out.done(f"{agent}: created v{version.number} ({version.status.value})", row(version))


@app.command("activate")
def activate(ctx: typer.Context, tenant: Tenant, agent: AgentSlug, version: Version) -> None:
    """Make a version active; the previously active one is archived."""
    s = session(ctx)
    active = s.run(lambda p: p.tenant(tenant).activate_prompt_version(agent, version))
    s.out.done(f"{agent}: v{active.number} is active", row(active))


@app.command("rollback")
def rollback(ctx: typer.Context, tenant: Tenant, agent: AgentSlug) -> None:
    """Re-activate the version that was active before the current one."""
    s = session(ctx)
    number = s.run(lambda p: p.tenant(tenant).rollback_prompt(agent))
    s.out.done(f"{agent}: rolled back to v{number}", {"agent": agent, "version": number, "status": "active"})


@app.command("diff")
def diff(ctx: typer.Context, tenant: Tenant, agent: AgentSlug, a: Version, b: Version) -> None:
    """A unified diff of two versions' content."""
    s = session(ctx)
    text = s.run(lambda p: p.tenant(tenant).prompt_diff(agent, a, b))
    if s.out.json:
        s.out.dump({"agent": agent, "from": a, "to": b, "diff": text})
    else:
        s.out.text(text or f"v{a} and v{b} have the same content\n")


def row(version: PromptVersion) -> dict[str, object]:
    return {
        "version": version.number,
        "status": version.status.value,
        "model": version.content.model,
        "author": version.author,
        "note": version.note,
        "created_at": version.created_at,
        "activated_from": version.activated_from,
    }
