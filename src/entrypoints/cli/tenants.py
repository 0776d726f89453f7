"""`promptsaas tenant create | list`."""

from __future__ import annotations

from typing import Annotated

import typer

from domain.tenants import Tenant
from entrypoints.cli.session import session
from entrypoints.library import AsyncPlatform

app = typer.Typer(help="Tenants: the operators sharing this deployment.", no_args_is_help=True)
COLUMNS = ("slug", "name", "status", "default_plan", "id", "created_at")


@app.command("create")
def create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Lowercase letters, digits and '-'.", show_default=False)],
    name: Annotated[str, typer.Option(help="Display name (default: the slug).", show_default=False)] = "",
) -> None:
    """Create a tenant."""
    s = session(ctx)

    async def action(platform: AsyncPlatform) -> Tenant:
        return await (await platform.create_tenant(slug, name=name)).get()

    tenant = s.run(action)
    s.out.done(f"created tenant {tenant.slug} ({tenant.name})", row(tenant))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every tenant."""
    s = session(ctx)
    s.out.rows([row(t) for t in s.run(lambda p: p.tenants())], COLUMNS)


def row(tenant: Tenant) -> dict[str, object]:
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status.value,
        "default_plan": tenant.default_plan_code,
        "id": tenant.id,
        "created_at": tenant.created_at,
    }
