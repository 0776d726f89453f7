"""`promptsaas serve --bot TENANT`: the tenant's bot polls inside the HTTP server, so one command runs the demo.

It starts only when there is a token (stored, or `PROMPTSAAS_TELEGRAM_BOT_TOKEN`) and the tenant is not in webhook
mode (no webhook secret stored: polling would unregister the webhook); otherwise one log line says why not.
"""

from __future__ import annotations

import logging

from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.telegram.webhooks import WEBHOOK_SECRET

log = logging.getLogger("promptsaas.telegram")


async def poll_beside_server(container: Container, tenant_slug: str) -> None:
    """Poll until cancelled (the server stops); a refusal is logged and leaves the server running."""
    try:
        tenant = await container.admin().tenant(tenant_slug)
        settings = container.channel_settings()
        if await settings.is_set(tenant.id, "telegram", WEBHOOK_SECRET):
            log.warning(
                "the Telegram bot of %s is not polled: it is in webhook mode (`promptsaas bot --tenant %s` "
                "switches it back to polling)",
                tenant_slug,
                tenant_slug,
            )
            return
        if not (await settings.is_set(tenant.id, "telegram", "bot_token") or container.settings().telegram_bot_token):
            log.warning("the Telegram bot of %s is not started: no token is set", tenant_slug)
            return
        from promptsaas.entrypoints.telegram.polling import run_polling

        await run_polling(container, tenant_slug, log.warning, handle_signals=False)
    except DomainError as error:
        log.error("the Telegram bot of %s did not start: %s", tenant_slug, error.message)
