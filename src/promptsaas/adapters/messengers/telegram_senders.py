"""Sending kept replies on Telegram outside any update (the `messenger-retries` job): one Bot per tenant, made when
first needed with the tenant's token, closed with the process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from promptsaas.adapters.messengers.telegram import TelegramMessenger
from promptsaas.application.ports.messenger import Answer, SendFailed
from promptsaas.application.ports.outbox import OutboundSenders

TokenOf = Callable[[str], Awaitable[str | None]]


class TelegramSenders(OutboundSenders):
    def __init__(self, token_of: TokenOf, api_base: str | None) -> None:
        self._token_of = token_of
        self._api_base = api_base
        self._messengers: dict[str, TelegramMessenger] = {}

    async def send(self, tenant_id: str, provider: str, chat_id: str, answer: Answer) -> None:
        if provider != "telegram":
            raise SendFailed(f"no sender for {provider}", answer, retry=False)
        messenger = self._messengers.get(tenant_id)
        if messenger is None:
            token = await self._token_of(tenant_id)
            if not token:
                raise SendFailed("the tenant has no Telegram bot token", answer, retry=False)
            api = TelegramAPIServer.from_base(self._api_base) if self._api_base else None
            session = AiohttpSession(api=api) if api else AiohttpSession()
            messenger = self._messengers[tenant_id] = TelegramMessenger(Bot(token=token, session=session))
        await messenger.send(chat_id, answer)

    async def aclose(self) -> None:
        messengers, self._messengers = self._messengers, {}
        for messenger in messengers.values():
            await messenger.bot.session.close()
