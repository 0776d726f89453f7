"""The bot process: long polling for one tenant, or registering the HTTP app's webhook with a fresh secret."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from promptsaas.domain.errors import SetupFailed
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.composition.jobs import job_runner
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
    with_jobs: bool = False,
) -> None:
    """Poll until SIGINT or SIGTERM (or, without `handle_signals`, until cancelled); updates a stopped process
    accepted but never applied are applied first. `with_jobs` (the bot process of its own) also runs the background
    jobs under the embedded default (`PROMPTSAAS_JOBS=serve`), so kept replies are retried without a worker."""
    shell = await build_shell(container, tenant_slug)
    try:
        name = await _introduce(container, shell)
        await shell.bot.delete_webhook()
        await container.channel_settings().forget(shell.tenant_id, "telegram", WEBHOOK_SECRET, actor="bot")
        await shell.replay_pending()
        stops = "Ctrl-C stops" if handle_signals else "stops with the server"
        on_ready(f"@{name} is polling for tenant {tenant_slug} ({stops})")
        background = [asyncio.create_task(shell.replay_forever(REPLAY_SECONDS))]
        operations = container.settings().operations
        if with_jobs and operations.jobs == "serve":
            runner = job_runner(container).run_forever(operations.job_tick_seconds)
            background.append(asyncio.create_task(runner))
        try:
            await shell.dispatcher.start_polling(
                shell.bot,
                polling_timeout=POLLING_TIMEOUT_SECONDS,
                handle_signals=handle_signals,
                close_bot_session=False,
            )
        finally:
            for task in background:
                task.cancel()
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
