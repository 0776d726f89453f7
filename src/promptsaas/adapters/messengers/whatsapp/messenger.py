"""The `Messenger` port for one tenant's WhatsApp number, over the Graph API client."""

from __future__ import annotations

from promptsaas.application.attachments import IMAGE_TYPES, MIB
from promptsaas.application.ports.messenger import Answer, Attachment, Messenger, PaymentAsk
from promptsaas.application.ports.whatsapp import WhatsAppApi
from promptsaas.domain.whatsapp import WhatsAppAccount


class WhatsAppMessenger(Messenger):
    def __init__(self, api: WhatsAppApi, account: WhatsAppAccount, max_bytes: int = 5 * MIB) -> None:
        self._api = api
        self._account = account
        self._max_bytes = max_bytes
        self.sent: list[str] = []
        """The `wamid` of every message sent, in order."""

    async def send(self, chat_id: str, answer: Answer) -> None:
        self.sent += await self._api.send_answer(self._account, chat_id, answer)

    async def typing(self, chat_id: str) -> None:
        """WhatsApp shows typing only while marking a received message read: nothing to do for a chat."""

    async def fetch_attachment(self, reference: str) -> Attachment:
        media = await self._api.fetch_media(
            self._account, reference, allowed_types=IMAGE_TYPES, max_bytes=self._max_bytes
        )
        return Attachment(media.data, media.mime_type)

    async def ask_payment(self, chat_id: str, ask: PaymentAsk) -> str | None:
        """WhatsApp has no in-chat payment here: plans are paid through a checkout link in the text."""
        return None
