"""Options and arguments shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

Tenant = Annotated[str, typer.Option("--tenant", "-t", metavar="SLUG", help="The tenant's slug.", show_default=False)]
AgentSlug = Annotated[str, typer.Argument(help="The agent's slug.", show_default=False)]
