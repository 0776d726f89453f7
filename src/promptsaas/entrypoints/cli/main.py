"""`promptsaas`: the operator CLI. Global options, then one command group per concern.

Exit codes (the table is in `errors.py` and the README): 0 success, 1 an error named in one line, 2 wrong usage,
3 a chat denied by the policy, 4 and 5 `serve` could not listen or failed. The command modules import the library,
SQLAlchemy, Litestar and the SDKs only when a command runs, so `--help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from promptsaas.__about__ import __version__
from promptsaas.entrypoints.cli import (
    agents,
    audit,
    billing,
    bot,
    catalog,
    channels,
    chat,
    db,
    demo,
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
    worker,
)
from promptsaas.entrypoints.cli.session import Opener, open_platform
from promptsaas.entrypoints.cli.shell import OPENER, Shell

opener: Opener = open_platform
"""How commands open the platform; tests replace it with an in-memory platform shared across invocations."""

app = Shell(
    name="promptsaas",
    help="Operate a promptsaas deployment: database, tenants, catalog, agents, prompts, plans, users, chats.",
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"promptsaas {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=show_version, is_eager=True)
    ] = False,
) -> None:
    ctx.meta[OPENER] = opener


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
app.command("bot")(bot.command)
app.add_typer(channels.app, name="channel")
app.add_typer(billing.app, name="billing")
app.command("worker")(worker.command)


def run() -> None:
    """The console script."""
    app()


if __name__ == "__main__":
    run()
