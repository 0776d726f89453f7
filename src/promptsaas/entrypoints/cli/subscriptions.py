"""`promptsaas subscription grant | list | cancel`: manual subscriptions (payment providers feed the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.subscriptions import Subscription
    from promptsaas.domain.users import User
    from promptsaas.entrypoints.library import AsyncPlatform

app = Shell(help="Subscriptions: which plans a user holds.")
COLUMNS = ("id", "user", "plan", "status", "period_start", "period_end", "provider")
Email = Annotated[str, typer.Argument(help="The user's email.", show_default=False)]


@app.command("grant")
def grant(
    ctx: typer.Context,
    tenant: Tenant,
    email: Email,
    plan: Annotated[str, typer.Argument(help="The plan's code.", show_default=False)],
    days: Annotated[
        int | None, typer.Option(metavar="DAYS", help="Length in days (default: until canceled).", min=1)
    ] = None,
) -> None:
    """Grant a plan to a user (a manual subscription, active now)."""
    s = session(ctx)
    sub = s.run(lambda p: p.tenant(tenant).grant_subscription(email, plan, days=days))
    until = f"until {sub.current_period_end:%Y-%m-%d %H:%M} UTC" if sub.current_period_end else "until canceled"
    s.out.done(f"granted {plan} to {email} {until} (subscription {sub.id})", row(sub, email))


@app.command("list")
def list_(
    ctx: typer.Context,
    tenant: Tenant,
    user: Annotated[str | None, typer.Option("--user", metavar="EMAIL", help="Only this user's (by email).")] = None,
) -> None:
    """Stored subscriptions (the default plan, which every user holds, is not listed)."""
    s = session(ctx)

    async def action(platform: AsyncPlatform) -> tuple[list[Subscription], list[User]]:
        scope = platform.tenant(tenant)
        return await scope.subscriptions(user), await scope.users()

    subs, users = s.run(action)
    emails = {u.id: u.email or u.id for u in users}
    s.out.rows([row(sub, emails.get(sub.user_id, sub.user_id)) for sub in subs], COLUMNS)


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    tenant: Tenant,
    subscription_id: Annotated[str, typer.Argument(help="The subscription's id.", show_default=False)],
) -> None:
    """Cancel a subscription now."""
    s = session(ctx)
    sub = s.run(lambda p: p.tenant(tenant).cancel_subscription(subscription_id))
    s.out.done(f"canceled subscription {sub.id} ({sub.plan_code})", row(sub, None))


def row(sub: Subscription, user: str | None) -> dict[str, object]:
    return {
        "id": sub.id,
        "user": user,
        "user_id": sub.user_id,
        "plan": sub.plan_code,
        "status": sub.status.value,
        "period_start": sub.current_period_start,
        "period_end": sub.current_period_end,
        "provider": sub.provider,
    }
