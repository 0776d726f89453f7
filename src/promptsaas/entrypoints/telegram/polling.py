"""The bot process: long polling for one tenant, or registering the HTTP app's webhook with a fresh secret."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable

from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from promptsaas.domain.errors import SetupFailed
from promptsaas.entrypoints.composition.background import serving_in_background
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.telegram.commands import MENU
from promptsaas.entrypoints.telegram.shell import BOT_USERNAME, REPLAY_SECONDS, TelegramShell, build_shell
from promptsaas.entrypoints.telegram.webhooks import WEBHOOK_SECRET

POLLING_TIMEOUT_SECONDS = 30


def webhook_path(tenant_slug: str) -> str:
    return f"/v1/webhooks/telegram/{tenant_slug}"


async def run_polling(
    container: Container,
    tenant_slug: str,
    on_ready: Callable[[str], None],
    *,
    handle_signals: bool = True,
    own_process: bool = False,
) -> None:
    """Poll until SIGINT or SIGTERM (or, without `handle_signals`, until cancelled); updates a stopped process
    accepted but never applied are applied first. `own_process` (`promptsaas bot`, not the bot inside `serve`)
    also runs what a serving process runs beside its requests (`serving_in_background`): the change feed, so an
    operator's change in another process reaches the bot's read cache within the poll interval; the SQLite file's
    WAL checkpoints; and, under the embedded default (`PROMPTSAAS_JOBS=serve`), the background jobs, so kept
    replies are retried without a worker."""
    shell = await build_shell(container, tenant_slug)
    try:
        name = await _introduce(container, shell)
        await shell.bot.delete_webhook()
        await container.channel_settings().forget(shell.tenant_id, "telegram", WEBHOOK_SECRET, actor="bot")
        await shell.replay_pending()
        stops = "Ctrl-C stops" if handle_signals else "stops with the server"
        on_ready(f"@{name} is polling for tenant {tenant_slug} ({stops})")
        replaying = asyncio.create_task(shell.replay_forever(REPLAY_SECONDS))
        beside = serving_in_background(container) if own_process else contextlib.nullcontext()
        try:
            async with beside:
                await shell.dispatcher.start_polling(
                    shell.bot,
                    polling_timeout=POLLING_TIMEOUT_SECONDS,
                    handle_signals=handle_signals,
                    close_bot_session=False,
                )
        finally:
            replaying.cancel()
    except (TelegramAPIError, TelegramNetworkError) as error:
        raise SetupFailed(f"Telegram refused the bot: {error.message}") from None
    finally:
        await shell.close()


async def set_webhook(container: Container, tenant_slug: str, base_url: str) -> str:
    """Point Telegram at this deployment's webhook route with a new secret (stored encrypted); the route's URL."""
    shell = await build_shell(container, tenant_slug)
    url = base_url.rstrip("/") + webhook_path(tenant_slug)
    secret = secrets.token_urlsafe(32)
    try:
        await _introduce(container, shell)
        await container.channel_settings().set_secret(shell.tenant_id, "telegram", WEBHOOK_SECRET, secret)
        await shell.bot.set_webhook(url=url, secret_token=secret)
    except (TelegramAPIError, TelegramNetworkError) as error:
        raise SetupFailed(f"Telegram refused the webhook: {error.message}") from None
    finally:
        await shell.close()
    return url


async def _introduce(container: Container, shell: TelegramShell) -> str:
    """Check the token (getMe), remember the bot's username (for t.me links) and publish the command menu."""
    me = await shell.bot.get_me()
    name = me.username or str(me.id)
    await container.channel_settings().set_secret(shell.tenant_id, "telegram", BOT_USERNAME, name, actor="bot")
    await shell.bot.set_my_commands(MENU)
    return name
