"""Polling and webhook mode exclude each other: `serve --bot` leaves a tenant in webhook mode alone, and starting
long polling unregisters the webhook and forgets its secret (so the webhook route refuses from then on)."""

from __future__ import annotations

import asyncio
import contextlib

from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from promptsaas.entrypoints.telegram.beside_server import poll_beside_server
from promptsaas.entrypoints.telegram.polling import run_polling
from promptsaas.entrypoints.telegram.webhooks import WEBHOOK_SECRET
from tests.support.telegram_stub import TelegramStub


async def test_serve_does_not_poll_a_tenant_in_webhook_mode(
    platform: AsyncPlatform, tenant: AsyncTenant, stub: TelegramStub
) -> None:
    settings = platform.container.channel_settings()
    await settings.set_secret(await tenant.id(), "telegram", WEBHOOK_SECRET, "a-webhook-secret")

    await asyncio.wait_for(poll_beside_server(platform.container, "acme"), 10)

    assert stub.calls == []
    assert await settings.is_set(await tenant.id(), "telegram", WEBHOOK_SECRET)


async def test_long_polling_unregisters_the_webhook_and_forgets_its_secret(
    platform: AsyncPlatform, tenant: AsyncTenant, stub: TelegramStub
) -> None:
    settings = platform.container.channel_settings()
    await settings.set_secret(await tenant.id(), "telegram", WEBHOOK_SECRET, "a-webhook-secret")
    ready = asyncio.Event()

    polling = asyncio.create_task(
        run_polling(platform.container, "acme", lambda _line: ready.set(), handle_signals=False)
    )
    try:
        await asyncio.wait_for(ready.wait(), 30)
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling

    assert stub.sent("deleteWebhook")
    assert not await settings.is_set(await tenant.id(), "telegram", WEBHOOK_SECRET)
    assert "channel.telegram.remove" in [e.action for e in await tenant.audit_log(limit=50)]
