"""Webhook mode inside the HTTP app: check Telegram's secret header, store the update, apply it in the background.

aiogram's own webhook helpers are aiohttp-only, so this does what they do: one bot shell per tenant, built on the
first update (which also applies what a stopped process left pending, then again every half minute), closed with the
app. Accepting an update
needs no aiogram; the shell (and aiogram, slow to import) is loaded off the event loop, after the answer.
"""

from __future__ import annotations

import asyncio
import hmac
import importlib
import json
import logging
from typing import TYPE_CHECKING, Any

from promptsaas.domain.errors import DomainError, Forbidden, InvalidInput
from promptsaas.entrypoints.composition.container import Container

if TYPE_CHECKING:
    from promptsaas.entrypoints.telegram.shell import TelegramShell

log = logging.getLogger(__name__)
PROVIDER = "telegram"
WEBHOOK_SECRET = "webhook_secret"


class TelegramWebhooks:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._shells: dict[str, TelegramShell] = {}
        self._replays: list[asyncio.Task[None]] = []
        self._building = asyncio.Lock()

    async def accept(self, tenant_slug: str, secret: str | None, body: bytes) -> dict[str, Any] | None:
        """The update to apply, or None for one already received; `Forbidden` (nothing stored) for a wrong or
        missing secret, an unknown tenant or one without webhook mode."""
        container = self._container
        try:
            tenant = await container.admin().tenant(tenant_slug)
            expected = await container.channel_settings().secret(tenant.id, "telegram", WEBHOOK_SECRET)
        except DomainError:
            expected, tenant = None, None
        if tenant is None or not expected or not secret or not hmac.compare_digest(secret, expected):
            raise Forbidden("the Telegram secret token is missing or wrong", code="webhook_forbidden")
        try:
            update = json.loads(body)
            update_id = int(update["update_id"])
        except (ValueError, TypeError, KeyError):
            raise InvalidInput("the body is not a Telegram update", field="update_id") from None
        if not await container.messenger_inbox().accept(tenant.id, PROVIDER, str(update_id), body.decode()):
            return None
        return dict(update)

    async def apply(self, tenant_slug: str, update: dict[str, Any]) -> None:
        """Run the bot's handlers on a stored update (after the 200 went out); a failure is logged, not raised."""
        try:
            shell = await self._shell(tenant_slug)
            await shell.feed(update)
        except Exception:
            log.exception("telegram update %s of %s failed", update.get("update_id"), tenant_slug)

    async def close(self) -> None:
        for replays in self._replays:
            replays.cancel()
        shells, self._shells = self._shells, {}
        for shell in shells.values():
            await shell.close()

    async def _shell(self, tenant_slug: str) -> TelegramShell:
        async with self._building:
            shell = self._shells.get(tenant_slug)
            if shell is None:
                module = await asyncio.to_thread(importlib.import_module, "promptsaas.entrypoints.telegram.shell")
                shell = self._shells[tenant_slug] = await module.build_shell(self._container, tenant_slug)
                await shell.replay_pending()
                self._replays.append(asyncio.create_task(shell.replay_forever(module.REPLAY_SECONDS)))
        return shell
