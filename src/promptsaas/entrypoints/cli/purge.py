"""`promptsaas purge`: delete conversation content older than each user's plan retention (usage is kept)."""

from __future__ import annotations

from typing import Annotated

import typer

from promptsaas.entrypoints.cli.session import session


def command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be deleted.")] = False,
) -> None:
    """Delete messages older than the longest retention of each user's active plans, in every tenant."""
    s = session(ctx)
    results = s.run(lambda p: p.purge(dry_run=dry_run))
    rows = [{"tenant": r.tenant, "messages": r.messages, "dry_run": r.dry_run} for r in results]
    if s.out.json:
        s.out.dump(rows)
        return
    verb = "would delete" if dry_run else "deleted"
    total = sum(r.messages for r in results)
    s.out.text(f"{verb} {total} message(s) in {len(results)} tenant(s)")
    s.out.rows([r for r in rows if r["messages"]], ("tenant", "messages"), empty="")
