"""The messenger adapters, built on first use: a shell that never talks to WhatsApp never imports its client."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.application.ports.messenger import Answer, SendFailed
from promptsaas.application.ports.outbox import OutboundSenders
from promptsaas.application.ports.whatsapp import ListRow, MediaFile, PartSent, WhatsAppApi
from promptsaas.domain.whatsapp import WhatsAppAccount

if TYPE_CHECKING:
    from promptsaas.adapters.messengers.telegram_senders import TelegramSenders
    from promptsaas.adapters.messengers.whatsapp.graph import GraphWhatsAppApi
    from promptsaas.entrypoints.composition.settings import Settings


class WhatsAppClients(WhatsAppApi):
    """The one Graph API client of this process, made at its first call (the HTTP client is not imported until a
    message goes out), closed at shutdown."""

    def __init__(self, api_base: str, api_version: str) -> None:
        self._api_base = api_base
        self._api_version = api_version
        self._api: GraphWhatsAppApi | None = None

    def api(self) -> WhatsAppApi:
        if self._api is None:
            from promptsaas.adapters.messengers.whatsapp.graph import GraphSettings, GraphWhatsAppApi

            self._api = GraphWhatsAppApi(GraphSettings(api_base=self._api_base, api_version=self._api_version))
        return self._api

    async def send_text(self, account: WhatsAppAccount, to: str, text: str) -> list[str]:
        return await self.api().send_text(account, to, text)

    async def send_list(
        self, account: WhatsAppAccount, to: str, body: str, button: str, rows: Sequence[ListRow]
    ) -> str:
        return await self.api().send_list(account, to, body, button, rows)

    async def send_answer(
        self, account: WhatsAppAccount, to: str, answer: Answer, *, delivered: int = 0, on_sent: PartSent | None = None
    ) -> list[str]:
        return await self.api().send_answer(account, to, answer, delivered=delivered, on_sent=on_sent)

    async def fetch_media(
        self, account: WhatsAppAccount, media_id: str, *, allowed_types: Sequence[str], max_bytes: int
    ) -> MediaFile:
        return await self.api().fetch_media(account, media_id, allowed_types=allowed_types, max_bytes=max_bytes)

    async def aclose(self) -> None:
        if self._api is not None:
            await self._api.aclose()
            self._api = None


def whatsapp_default(settings: Settings) -> WhatsAppAccount | None:
    """The deployment's default number, when all four `PROMPTSAAS_WHATSAPP_*` settings are given."""
    parts = (
        settings.whatsapp_phone_number_id,
        settings.whatsapp_access_token,
        settings.whatsapp_app_secret,
        settings.whatsapp_verify_token,
    )
    if not all(parts):
        return None
    phone, token, secret, verify = (str(p) for p in parts)
    return WhatsAppAccount(phone, token, secret, verify)


class MessengerSenders(OutboundSenders):
    """Sends the outbox's kept replies; the Telegram side (and aiogram) is loaded when a Telegram reply waits."""

    def __init__(
        self, channel_settings: Callable[[], ChannelSettings], default_token: str | None, api_base: str | None
    ) -> None:
        self._channel_settings = channel_settings  # made when a reply waits: closing an unused one opens no key
        self._default_token = default_token
        self._api_base = api_base
        self._telegram: TelegramSenders | None = None

    async def send(self, tenant_id: str, provider: str, chat_id: str, answer: Answer) -> None:
        if provider != "telegram":
            raise SendFailed(f"no sender for {provider} replies", answer, retry=False)
        if self._telegram is None:
            from promptsaas.adapters.messengers.telegram_senders import TelegramSenders

            self._telegram = TelegramSenders(self._token_of, self._api_base)
        await self._telegram.send(tenant_id, provider, chat_id, answer)

    async def _token_of(self, tenant_id: str) -> str | None:
        """The tenant's stored token, else the deployment's (as the bot itself finds it)."""
        stored = await self._channel_settings().secret(tenant_id, "telegram", "bot_token")
        return stored or self._default_token

    async def aclose(self) -> None:
        if self._telegram is not None:
            await self._telegram.aclose()
            self._telegram = None
