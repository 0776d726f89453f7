"""`promptsaas tenant create | list | suspend | reactivate | signup-mode`."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.tenants import Tenant
    from promptsaas.entrypoints.library import AsyncPlatform

app = Shell(help="Tenants: the operators sharing this deployment.")
COLUMNS = ("slug", "name", "status", "default_plan", "id", "created_at")


@app.command("create")
def create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Lowercase letters, digits and '-'.", show_default=False)],
    name: Annotated[
        str, typer.Option(metavar="NAME", help="Display name (default: the slug).", show_default=False)
    ] = "",
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
    s.out.rows([row(t) for t in s.read(lambda p: p.tenants())], COLUMNS)


@app.command("suspend")
def suspend(
    ctx: typer.Context, slug: Annotated[str, typer.Argument(help="The tenant's slug.", show_default=False)]
) -> None:
    """Refuse every sign-in, token, API key and call of the tenant's users (until `tenant reactivate`)."""
    s = session(ctx)
    tenant = s.run(lambda p: p.tenant(slug).suspend())
    s.out.done(f"suspended tenant {tenant.slug}", row(tenant))


@app.command("reactivate")
def reactivate(
    ctx: typer.Context, slug: Annotated[str, typer.Argument(help="The tenant's slug.", show_default=False)]
) -> None:
    """Let a suspended tenant's users sign in and call again (their tokens and API keys work again)."""
    s = session(ctx)
    tenant = s.run(lambda p: p.tenant(slug).reactivate())
    s.out.done(f"reactivated tenant {tenant.slug}", row(tenant))


class SignupModeChoice(StrEnum):
    OPEN = "open"
    VERIFIED = "verified"
    INVITE = "invite"
    CLOSED = "closed"


@app.command("signup-mode")
def set_signup_mode(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The tenant's slug.", show_default=False)],
    mode: Annotated[SignupModeChoice, typer.Argument(help="Who may create an account by themselves.")],
) -> None:
    """open: anyone; verified: anyone, signing in once the email is verified; invite: invitees only; closed: none."""
    s = session(ctx)

    async def action(platform: AsyncPlatform) -> Tenant:
        return await (await platform.tenant(slug).accounts()).set_signup_mode(mode.value)

    tenant = s.run(action)
    s.out.done(f"tenant {tenant.slug} now signs up: {tenant.signup_mode.value}", row(tenant))


def row(tenant: Tenant) -> dict[str, object]:
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status.value,
        "default_plan": tenant.default_plan_code,
        "id": tenant.id,
        "created_at": tenant.created_at,
    }
