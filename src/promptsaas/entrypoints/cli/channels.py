"""`promptsaas channel telegram set --tenant T --token-stdin`: a tenant's messenger secrets, stored encrypted."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

app = Shell(help="Messenger channels of a tenant: their secrets, encrypted at rest.")
telegram = Shell(help="The tenant's Telegram bot.")
app.add_typer(telegram, name="telegram")


@telegram.command("set")
def set_telegram(
    ctx: typer.Context,
    tenant: Tenant,
    token_stdin: Annotated[
        bool, typer.Option("--token-stdin", help="Read the bot token from stdin (else a hidden prompt).")
    ] = False,
) -> None:
    """Store the bot token BotFather gave; it is encrypted and never shown again."""
    s = session(ctx)
    token = sys.stdin.read().strip() if token_stdin else str(typer.prompt("Bot token", hide_input=True))

    async def store(platform: object) -> None:
        from promptsaas.entrypoints.library import AsyncPlatform

        assert isinstance(platform, AsyncPlatform)
        container = platform.container
        tenant_id = (await container.admin().tenant(tenant)).id
        await container.channel_settings().set_secret(tenant_id, "telegram", "bot_token", token, actor="cli")

    s.run(store)
    s.out.done(f"stored the Telegram bot token of {tenant}", {"tenant": tenant, "channel": "telegram"})
