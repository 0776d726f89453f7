"""One tenant's bot: aiogram's Bot (pointed at `PROMPTSAAS_TELEGRAM_API_BASE` when set) and one Dispatcher with
the routers, the middlewares and the services the handlers receive by name."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update

from promptsaas.adapters.messengers.telegram import TelegramMessenger
from promptsaas.application.ports.messenger import SendFailed
from promptsaas.domain.errors import SetupFailed
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.telegram import chat, commands, middleware, payments
from promptsaas.entrypoints.telegram.webhooks import PROVIDER

log = logging.getLogger(__name__)
TOKEN = "bot_token"
REPLAY_SECONDS = 30.0
BOT_USERNAME = "bot_username"


@dataclass
class TelegramShell:
    tenant_id: str
    bot: Bot
    dispatcher: Dispatcher
    messenger: TelegramMessenger

    async def feed(self, raw: dict[str, Any]) -> None:
        """Apply an update the inbox already stored (a webhook delivery, or one left pending)."""
        update = Update.model_validate(raw, context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update, replay=True)

    async def replay_pending(self) -> int:
        """Apply what was accepted but never applied (a failure, or a stopped process whose claim ran out); one
        that fails again is logged and left for the next replay. How many were taken up."""
        pending = await self.dispatcher["inbox"].pending(self.tenant_id, PROVIDER)
        for event in pending:
            try:
                await self.feed(json.loads(event.payload))
            except Exception:
                log.exception("telegram update %s failed again; it is replayed later", event.external_id)
        return len(pending)

    async def replay_forever(self, every_seconds: float) -> None:
        """`replay_pending` every `every_seconds` until cancelled, so nothing waits for the next restart."""
        while True:
            await asyncio.sleep(every_seconds)
            try:
                await self.replay_pending()
            except Exception:
                log.exception("replaying pending telegram updates failed; trying again later")

    async def close(self) -> None:
        await self.bot.session.close()


async def bot_token(container: Container, tenant_id: str) -> str:
    """The tenant's stored token, else `PROMPTSAAS_TELEGRAM_BOT_TOKEN`; a clear setup fault when neither is set."""
    stored = await container.channel_settings().secret(tenant_id, "telegram", TOKEN)
    token = stored or container.settings().telegram_bot_token
    if not token:
        raise SetupFailed(
            "no Telegram bot token: store one with `promptsaas channel telegram set --tenant T --token-stdin` "
            "or set PROMPTSAAS_TELEGRAM_BOT_TOKEN"
        )
    return token


async def build_shell(container: Container, tenant_slug: str) -> TelegramShell:
    tenant = await container.admin().tenant(tenant_slug)
    token = await bot_token(container, tenant.id)
    base = container.settings().telegram_api_base
    session = AiohttpSession(api=TelegramAPIServer.from_base(base)) if base else AiohttpSession()
    try:
        bot = Bot(token=token, session=session)
    except Exception as error:  # aiogram refuses a malformed token before any call
        await session.close()
        raise SetupFailed(f"the Telegram bot token is malformed: {type(error).__name__}") from None
    outbox = container.messenger_outbox()

    async def keep(chat_id: str, failed: SendFailed) -> None:
        await outbox.keep(tenant.id, PROVIDER, chat_id, failed)

    messenger = TelegramMessenger(bot, undelivered=keep)
    dispatcher = Dispatcher(
        tenant_id=tenant.id,
        channels=container.channels(),
        inbox=container.messenger_inbox(),
        messenger=messenger,
    )
    dispatcher.update.outer_middleware(middleware.once)
    dispatcher.message.outer_middleware(middleware.person)
    dispatcher.callback_query.outer_middleware(middleware.person)
    dispatcher.pre_checkout_query.outer_middleware(middleware.person)
    dispatcher.include_routers(commands.router_for(), payments.router_for(), chat.router_for())
    return TelegramShell(tenant.id, bot, dispatcher, messenger)
