"""`promptsaas subscription grant | list | cancel`: manual subscriptions (payment providers feed the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.output import Row
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.application.access.limits import PackBalance
    from promptsaas.domain.subscriptions import Subscription
    from promptsaas.domain.users import User
    from promptsaas.entrypoints.library import AsyncPlatform

app = Shell(help="Subscriptions: which plans a user holds.")
COLUMNS = ("id", "user", "plan", "status", "period_start", "period_end", "provider", "balance")
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
    """Stored subscriptions (the default plan, which every user holds, is not listed); a credit pack in force shows
    its remaining balance, and expires at its period's end."""
    s = session(ctx)

    async def action(platform: AsyncPlatform) -> tuple[list[Subscription], list[User], list[PackBalance]]:
        scope = platform.tenant(tenant)
        return await scope.subscriptions(user), await scope.users(), await scope.packs(user)

    subs, users, packs = s.run(action)
    emails = {u.id: u.email or u.id for u in users}
    balances = {p.subscription_id: p for p in packs}
    rows = [{**row(sub, emails.get(sub.user_id, sub.user_id)), **balance(balances.get(sub.id))} for sub in subs]
    s.out.rows(rows, COLUMNS, human=human)


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


def balance(pack: PackBalance | None) -> dict[str, object]:
    """What a pack in force has left on each limit (`None` for a subscription, or a pack spent out of force)."""
    if pack is None:
        return {"balance": None}
    limits = [
        {"metric": v.metric, "window": v.window, "limit": v.limit, "used": v.used, "remaining": v.remaining}
        for v in pack.limits
    ]
    return {"balance": limits}


def human(r: Row) -> Row:
    limits = r.get("balance") or []
    return {**r, "balance": [f"{x['remaining']}/{x['limit']} {x['metric']}" for x in limits if x["limit"] is not None]}


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
        "provider_ref": sub.provider_ref,
    }
