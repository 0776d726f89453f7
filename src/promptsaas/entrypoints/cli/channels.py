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


whatsapp = Shell(help="The tenant's WhatsApp Business number (Cloud API).")
app.add_typer(whatsapp, name="whatsapp")


@whatsapp.command("set")
def set_whatsapp(
    ctx: typer.Context,
    tenant: Tenant,
    phone_number_id: Annotated[str, typer.Option("--phone-number-id", help="The number's id in Meta's app.")],
    secrets_stdin: Annotated[
        bool,
        typer.Option(
            "--secrets-stdin", help="Read the access token, app secret and verify token from stdin, one a line."
        ),
    ] = False,
) -> None:
    """Store the number and its secrets (encrypted, never shown again); Meta's webhook is /v1/webhooks/whatsapp/T."""
    s = session(ctx)
    if secrets_stdin:
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if len(lines) != 3:
            raise typer.BadParameter("stdin must hold three lines: access token, app secret, verify token")
        token, app_secret, verify = lines
    else:
        token = str(typer.prompt("Access token", hide_input=True))
        app_secret = str(typer.prompt("App secret", hide_input=True))
        verify = str(typer.prompt("Verify token", hide_input=True))

    async def store(platform: object) -> None:
        from promptsaas.domain.whatsapp import WhatsAppAccount
        from promptsaas.entrypoints.library import AsyncPlatform

        assert isinstance(platform, AsyncPlatform)
        container = platform.container
        tenant_id = (await container.admin().tenant(tenant)).id
        account = WhatsAppAccount(phone_number_id, token, app_secret, verify)
        await container.whatsapp_accounts().configure(tenant_id, account, actor="cli")

    s.run(store)
    s.out.done(
        f"stored the WhatsApp number {phone_number_id} of {tenant}; webhook: /v1/webhooks/whatsapp/{tenant}",
        {"tenant": tenant, "channel": "whatsapp", "phone_number_id": phone_number_id},
    )
