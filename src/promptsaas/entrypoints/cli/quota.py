"""`promptsaas quota sweep | reconcile | rebuild`: dead reservations, and counters against usage records."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

app = Shell(help="Quota counters and reservations.")
COLUMNS = ("subscription_id", "metric", "window", "window_start", "used", "expected_used", "reserved")


@app.command("sweep")
def sweep(ctx: typer.Context) -> None:
    """Release every reservation whose call died before settling (expired reservations)."""
    s = session(ctx)
    released = s.run(lambda p: p.sweep_reservations())
    s.out.done(f"released {released} expired reservation(s)", {"released": released})


@app.command("reconcile")
def reconcile(
    ctx: typer.Context,
    tenant: Annotated[
        str | None, typer.Option("--tenant", "-t", metavar="SLUG", help="Only this tenant (default: all).")
    ] = None,
) -> None:
    """Compare every quota counter with the usage records and open reservations; exit 1 if any differs."""
    s = session(ctx)
    drifts = s.run(lambda p: p.reconcile_quota(tenant))
    if not s.out.json:
        s.out.text(f"{len(drifts)} counter(s) differ from the usage records" if drifts else "counters agree")
    s.out.rows([asdict(d) for d in drifts], (*COLUMNS, "expected_reserved"), empty="")
    if drifts:
        raise typer.Exit(1)


@app.command("rebuild")
def rebuild(ctx: typer.Context, tenant: Tenant) -> None:
    """Rewrite a tenant's counters from its usage records and open reservations."""
    s = session(ctx)
    changed = s.run(lambda p: p.rebuild_quota(tenant))
    s.out.done(f"rebuilt the counters of {tenant}: {changed} changed", {"tenant": tenant, "changed": changed})
