"""`promptsaas catalog apply | export`: the whole catalog (models, agents with prompts, plans) as one document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

app = Shell(help="The catalog document: models, agents with their prompt, plans.")


@app.command("apply")
def apply(
    ctx: typer.Context,
    tenant: Tenant,
    file: Annotated[Path, typer.Argument(help="The catalog YAML (or JSON) file.", show_default=False)],
    prune: Annotated[bool, typer.Option(help="Retire agents and archive plans the file omits.")] = False,
) -> None:
    """Create or update what the file declares; all or nothing, and a no-op when nothing changed."""
    s = session(ctx)
    result = s.run(lambda p: p.tenant(tenant).apply_catalog(file, prune=prune))
    lines = [f"applied {file} to {tenant}: {len(result.changes)} change(s)", *(f"  {c}" for c in result.changes)]
    s.out.done("\n".join(lines), {"tenant": tenant, "changes": result.changes})


@app.command("export")
def export(ctx: typer.Context, tenant: Tenant) -> None:
    """Print the tenant's catalog as YAML (JSON with --json); applying it back changes nothing."""
    s = session(ctx)
    document = s.run(lambda p: p.tenant(tenant).export_catalog())
    if s.out.json:
        s.out.dump(document)
    else:
        import yaml

        s.out.text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000))
