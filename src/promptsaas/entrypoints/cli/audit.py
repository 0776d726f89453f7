"""`promptsaas audit`: the tenant's audit trail, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session

if TYPE_CHECKING:
    from promptsaas.domain.audit import AuditEntry

COLUMNS = ("created_at", "actor", "action", "target", "before", "after")


def command(
    ctx: typer.Context,
    tenant: Tenant,
    limit: Annotated[int, typer.Option(metavar="N", help="How many entries.", min=1, max=1000)] = 50,
) -> None:
    """Every admin change, prompt activation and rollback, plan change and subscription change, newest first."""
    s = session(ctx)
    s.out.rows([row(e) for e in s.run(lambda p: p.tenant(tenant).audit_log(limit))], COLUMNS)


def row(entry: AuditEntry) -> dict[str, object]:
    return {
        "created_at": entry.created_at,
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "id": entry.id,
    }
