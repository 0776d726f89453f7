"""`promptsaas`: the operator CLI. Global options, then one command group per concern.

Exit codes: 0 success, 1 an error named in one line, 2 wrong usage, 3 a chat denied by the policy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from promptsaas.entrypoints.cli import (
    agents,
    audit,
    catalog,
    chat,
    db,
    demo,
    errors,
    keys,
    plans,
    prompts,
    provider_keys,
    purge,
    quota,
    serve,
    subscriptions,
    tenants,
    usage,
    users,
)
from promptsaas.entrypoints.cli.output import Output
from promptsaas.entrypoints.cli.session import Opener, Session, open_platform
from promptsaas.entrypoints.composition.settings import Settings

opener: Opener = open_platform
"""How commands open the platform; tests replace it with an in-memory platform shared across invocations."""

app = typer.Typer(
    name="promptsaas",
    help="Operate a promptsaas deployment: database, tenants, catalog, agents, prompts, plans, users, chats.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Database to use (default: $PROMPTSAAS_DATABASE_URL, else sqlite:///./promptsaas.db).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine output (JSON) instead of tables.")] = False,
) -> None:
    out = Output(json=json_output)
    try:
        settings = Settings.from_env()
    except ValueError as error:  # a malformed PROMPTSAAS_* variable stops every command, in one line
        out.error(str(error))
        raise typer.Exit(errors.EXIT_ERROR) from None
    ctx.obj = Session(database_url or settings.database_url, out, opener)


app.add_typer(db.app, name="db")
app.command("demo")(demo.command)
app.add_typer(tenants.app, name="tenant")
app.add_typer(catalog.app, name="catalog")
app.add_typer(agents.app, name="agent")
app.add_typer(prompts.app, name="prompt")
app.add_typer(plans.app, name="plan")
app.add_typer(users.app, name="user")
app.add_typer(subscriptions.app, name="subscription")
app.add_typer(provider_keys.app, name="provider-key")
app.add_typer(keys.app, name="keys")
app.command("chat")(chat.command)
app.command("usage")(usage.command)
app.command("audit")(audit.command)
app.add_typer(quota.app, name="quota")
app.command("purge")(purge.command)
app.command("serve")(serve.command)


def run() -> None:
    """The console script."""
    app()


if __name__ == "__main__":
    run()
