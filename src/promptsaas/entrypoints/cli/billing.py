"""`promptsaas billing ...`: a tenant's Stripe keys, its prices at Stripe, reconciliation, revenue, payments, refunds.

Each command translates its options, calls one library method and prints the result; `--json` on every one.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.errors import EXIT_ERROR
from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.application.billing.reconcile import Reconciliation
    from promptsaas.domain.billing import Payment

app = Shell(help="Billing: Stripe keys and prices, reconciliation, revenue, payments and refunds.")
stripe = Shell(help="The tenant's Stripe account.")
app.add_typer(stripe, name="stripe")

Day = Annotated[
    datetime | None, typer.Option(metavar="YYYY-MM-DD", help="A day (UTC).", formats=["%Y-%m-%d"], show_default=False)
]
PAYMENT_COLUMNS = ("id", "created_at", "kind", "amount", "currency", "plan", "provider", "external_id")


class GroupBy(StrEnum):
    MONTH = "month"
    PLAN = "plan"
    PROVIDER = "provider"


@stripe.command("set")
def set_stripe(
    ctx: typer.Context,
    tenant: Tenant,
    secrets_stdin: Annotated[
        bool,
        typer.Option(
            "--secrets-stdin", help="Read the secret key and the webhook signing secret from stdin, a line each."
        ),
    ] = False,
) -> None:
    """Store the tenant's own Stripe secret key and webhook signing secret: encrypted, never shown again.

    Stripe sends this tenant's events to /v1/webhooks/stripe/TENANT."""
    s = session(ctx)
    if secrets_stdin:
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if len(lines) != 2:
            s.fail("invalid_input", "stdin must hold the secret key, then the webhook signing secret, one a line")
        secret, webhook = lines
    else:
        secret = str(typer.prompt("Stripe secret key", hide_input=True))
        webhook = str(typer.prompt("Webhook signing secret", hide_input=True))
    s.run(lambda p: p.tenant(tenant).set_stripe_keys(secret, webhook))
    s.out.done(
        f"stored the Stripe secret key and webhook secret of {tenant}; webhook: /v1/webhooks/stripe/{tenant}",
        {"tenant": tenant, "provider": "stripe", "webhook_secret": True},
    )


@app.command("sync-prices")
def sync_prices(ctx: typer.Context, tenant: Tenant) -> None:
    """Create at Stripe the product and prices of every priced plan and pack without a Stripe price id (found again
    by lookup key, so running it twice creates nothing), and store the ids on the plans."""
    s = session(ctx)
    synced = s.run(lambda p: p.tenant(tenant).sync_prices())
    rows = [
        {
            "plan": x.plan_code,
            "price": x.key,
            "price_id": x.price_id,
            "amount": x.amount,
            "currency": x.currency,
            "created": x.created,
        }
        for x in synced
    ]
    if s.out.json:
        s.out.dump(rows)
    elif not rows:
        s.out.text("every priced plan already has its Stripe price ids")
    else:
        s.out.rows(rows, ("plan", "price", "price_id", "amount", "currency", "created"))


@app.command("reconcile")
def reconcile(ctx: typer.Context, tenant: Tenant) -> None:
    """Re-read every Stripe subscription the tenant knows and repair ours where they differ (a missed webhook);
    print what changed. Exits 1 when a subscription could not be read."""
    s = session(ctx)
    done = s.run(lambda p: p.tenant(tenant).reconcile_billing())
    if s.out.json:
        s.out.dump(reconciliation_record(done))
    else:
        for repair in done.repaired:
            changed = ", ".join(f"{c.field} {c.before} -> {c.after}" for c in repair.changes)
            s.out.text(f"repaired {repair.subscription_id} ({repair.provider_ref}): {changed}")
        s.out.text(f"checked {done.checked} subscription(s), repaired {len(done.repaired)}")
    if done.unreadable:
        ref, reason = done.unreadable[0]
        more = f" (and {len(done.unreadable) - 1} more)" if len(done.unreadable) > 1 else ""
        s.fail("payment_provider_unavailable", f"could not read {ref}{more}: {reason}", exit_code=EXIT_ERROR)


def reconciliation_record(done: Reconciliation) -> dict[str, object]:
    return {
        "provider": done.provider,
        "checked": done.checked,
        "repaired": [
            {
                "subscription_id": r.subscription_id,
                "provider_ref": r.provider_ref,
                "user_id": r.user_id,
                "changes": {c.field: {"before": c.before, "after": c.after} for c in r.changes},
            }
            for r in done.repaired
        ],
        "unreadable": [{"provider_ref": ref, "reason": reason} for ref, reason in done.unreadable],
    }


@app.command("revenue")
def revenue(
    ctx: typer.Context,
    tenant: Tenant,
    since: Day = None,
    until: Day = None,
    group_by: Annotated[GroupBy, typer.Option("--group-by", help="How sums are grouped.")] = GroupBy.MONTH,
) -> None:
    """Charges, refunds and net per currency (minor units), the paid subscriptions active now and the MRR."""
    s = session(ctx)
    report = s.run(lambda p: p.tenant(tenant).revenue(since=_utc(since), until=_utc(until), group_by=group_by.value))
    lines = [
        {"group": x.group, "currency": x.currency, "charges": x.charges, "refunds": x.refunds, "net": x.net}
        for x in report.lines
    ]
    if s.out.json:
        s.out.dump(
            {
                "group_by": group_by.value,
                "lines": lines,
                "active_subscriptions": report.active_subscriptions,
                "mrr": report.mrr,
            }
        )
        return
    s.out.rows(lines, ("group", "currency", "charges", "refunds", "net"), empty="(no payments)")
    mrr = ", ".join(f"{amount} {currency}" for currency, amount in sorted(report.mrr.items())) or "0"
    s.out.text(f"active paid subscriptions: {report.active_subscriptions}; MRR: {mrr}")


@app.command("payments")
def payments(ctx: typer.Context, tenant: Tenant, since: Day = None, until: Day = None) -> None:
    """The payments ledger, oldest first: every charge and refund the providers reported (amounts in minor units)."""
    s = session(ctx)
    found = s.run(lambda p: p.tenant(tenant).payments(since=_utc(since), until=_utc(until)))
    s.out.rows([payment_row(x) for x in found], PAYMENT_COLUMNS)


@app.command("refund")
def refund(
    ctx: typer.Context,
    tenant: Tenant,
    payment_id: Annotated[str, typer.Argument(help="The payment's id (see `billing payments`).", show_default=False)],
) -> None:
    """Refund a charge in full at its provider; the refund enters the ledger when the provider confirms it, and a
    pack's unspent balance is revoked."""
    s = session(ctx)
    paid = s.run(lambda p: p.tenant(tenant).refund(payment_id))
    s.out.done(f"asked {paid.provider} to refund {paid.amount} {paid.currency} (payment {paid.id})", payment_row(paid))


def payment_row(p: Payment) -> dict[str, object]:
    return {
        "id": p.id,
        "created_at": p.created_at,
        "kind": p.kind.value,
        "amount": p.amount,
        "currency": p.currency,
        "plan": p.plan_code,
        "provider": p.provider,
        "external_id": p.external_id,
        "user_id": p.user_id,
    }


def _utc(day: datetime | None) -> datetime | None:
    return day.replace(tzinfo=UTC) if day else None
