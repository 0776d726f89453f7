"""The messenger adapters, built on first use: a shell that never talks to WhatsApp never imports its client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from promptsaas.application.ports.whatsapp import WhatsAppApi
from promptsaas.domain.whatsapp import WhatsAppAccount

if TYPE_CHECKING:
    from promptsaas.adapters.messengers.whatsapp.graph import GraphWhatsAppApi
    from promptsaas.entrypoints.composition.settings import Settings


class WhatsAppClients:
    """Holds the one Graph API client of this process, made when first asked for, closed at shutdown."""

    def __init__(self, api_base: str, api_version: str) -> None:
        self._api_base = api_base
        self._api_version = api_version
        self._api: GraphWhatsAppApi | None = None

    def api(self) -> WhatsAppApi:
        if self._api is None:
            from promptsaas.adapters.messengers.whatsapp.graph import GraphSettings, GraphWhatsAppApi

            self._api = GraphWhatsAppApi(GraphSettings(api_base=self._api_base, api_version=self._api_version))
        return self._api

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
