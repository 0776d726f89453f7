"""`promptsaas serve`: the HTTP API under a production ASGI server (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.http.server import serve


def command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
) -> None:
    """Serve the API (docs at /schema). The database must be migrated (`promptsaas db upgrade`)."""
    s = session(ctx)
    s.out.text(f"serving http://{host}:{port}  (docs: http://{host}:{port}/schema)")
    serve(host=host, port=port, workers=workers, database_url=s.database_url)
