"""`promptsaas bot --tenant T`: the Telegram bot of a tenant, by long polling (or `--set-webhook URL`)."""

from __future__ import annotations

from typing import Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session


def command(
    ctx: typer.Context,
    tenant: Tenant,
    set_webhook: Annotated[
        str | None,
        typer.Option(
            "--set-webhook",
            metavar="URL",
            help="Register https://host (this server's public address) as the bot's webhook, then exit.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the tenant's Telegram bot (token: `promptsaas channel telegram set`, or PROMPTSAAS_TELEGRAM_BOT_TOKEN)."""
    if not tenant.strip():  # compose's bot service without PROMPTSAAS_BOT_TENANT
        raise typer.BadParameter("name the tenant whose bot this runs (its slug)", param_hint="--tenant")
    s = session(ctx)
    if set_webhook is not None:
        if not set_webhook.startswith(("https://", "http://")):
            raise typer.BadParameter(
                "give the server's address, e.g. https://bot.example.com", param_hint="--set-webhook"
            )
        from promptsaas.entrypoints.telegram.polling import set_webhook as register

        url = s.run(lambda p: register(p.container, tenant, set_webhook))
        s.out.done(f"Telegram now sends {tenant}'s updates to {url}", {"tenant": tenant, "webhook": url})
        return
    from promptsaas.entrypoints.telegram.polling import run_polling

    s.run(lambda p: run_polling(p.container, tenant, s.out.text, own_process=True))
