"""Answering each stored WhatsApp message once: claim it, work out the answer, keep it, send it, record the sends.

The answer is kept in the inbox before it is sent, and each of its messages as it goes, so a message taken over after
a crash (or a failed send) sends what is left of the answer as it was worked out. The agent runs, and charges, once
per message: the turn is idempotent by message id, so a crash before the answer was kept replays the charged reply.
A send that fails for a while (a rate limit, Meta unavailable) is tried again later with backoff; one that cannot
work (outside the 24-hour window, an expired token) is recorded as failed with its code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from promptsaas.application.attachments import IMAGE_TYPES, AttachmentLimits, image_of_bytes
from promptsaas.application.channels import ChannelService
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.application.ports.whatsapp import MediaRejected, WhatsAppApi, WhatsAppSendFailed
from promptsaas.application.ports.whatsapp_store import (
    InboxEntry,
    InboxState,
    OutboundRecord,
    WhatsAppStore,
)
from promptsaas.application.whatsapp import commands
from promptsaas.application.whatsapp.accounts import WhatsAppAccounts
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.links import UserDisabled
from promptsaas.domain.whatsapp import DeliveryStatus, InboundKind, InboundWhatsApp, WhatsAppAccount

log = logging.getLogger("promptsaas.whatsapp")

MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=5)


class WhatsAppResponder:
    def __init__(
        self,
        store: WhatsAppStore,
        accounts: WhatsAppAccounts,
        api: WhatsAppApi,
        channels: ChannelService,
        clock: Clock,
        limits: AttachmentLimits,
        lease: timedelta,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._api = api
        self._channels = channels
        self._clock = clock
        self._limits = limits
        self._lease = lease

    async def accept(
        self, tenant_id: str, messages: Sequence[InboundWhatsApp], statuses: Sequence[DeliveryStatus]
    ) -> list[str]:
        """Store the messages not seen before and record the statuses, in one transaction; the new message ids."""
        return await self._store.accept(tenant_id, messages, statuses, self._clock.now())

    async def inbox(self, tenant_id: str, limit: int = 50) -> tuple[list[InboxEntry], list[OutboundRecord]]:
        """The newest inbound messages, and the outbound messages of about that period with their statuses."""
        return await self._store.entries(tenant_id, limit), await self._store.outbound(tenant_id, limit * 4)

    async def process(self, tenant_id: str, message_ids: Sequence[str]) -> None:
        for message_id in message_ids:
            await self._answer(tenant_id, message_id)

    async def process_due(self) -> int:
        """Answer every pending message nobody holds (left by a crash, or due for another try); how many."""
        due = await self._store.due(self._clock.now())
        for tenant_id, message_id in due:
            await self._answer(tenant_id, message_id)
        return len(due)

    async def _answer(self, tenant_id: str, message_id: str) -> None:
        now = self._clock.now()
        entry = await self._store.claim(tenant_id, message_id, now, now + self._lease)
        if entry is None:
            return
        account = await self._accounts.resolve(tenant_id)
        if account is None:
            await self._store.finish(
                tenant_id, message_id, InboxState.FAILED, [], now, error_code="whatsapp_not_configured"
            )
            return
        to = entry.message.reply_to
        kept = entry.answer or {}
        sent: list[tuple[str, str]] = [(wamid, to) for wamid in kept.get("sent", [])]
        try:
            reply = _answer_from(kept) if kept else None
            if reply is None:
                reply = await self._respond(account, entry)
                kept = _answer_to(reply)
                await self._store.save_answer(tenant_id, message_id, kept)

            async def part_sent(wamid: str) -> None:
                sent.append((wamid, to))
                await self._store.save_answer(tenant_id, message_id, {**kept, "sent": [w for w, _ in sent]})

            await self._api.send_answer(account, to, reply, delivered=len(sent), on_sent=part_sent)
        except WhatsAppSendFailed as fault:
            await self._failed(entry, sent, fault.code, fault.message, retry=fault.retryable)
            return
        except Exception as error:
            log.exception("answering WhatsApp message %s failed", message_id)
            await self._failed(entry, sent, "internal_error", type(error).__name__, retry=True)
            return
        await self._store.finish(tenant_id, message_id, InboxState.ANSWERED, sent, self._clock.now())

    async def _respond(self, account: WhatsAppAccount, entry: InboxEntry) -> Answer:
        """The channel service's answer; the agent runs here, so the answer is kept before anything is sent."""
        message = entry.message
        try:
            person = await self._channels.enter(entry.tenant_id, Channel.WHATSAPP, message.person, message.name)
        except UserDisabled as disabled:
            return Answer(f"Sorry, {disabled.message}.")
        images: tuple[ImagePart, ...] = ()
        if message.kind is InboundKind.IMAGE and message.media_id:
            try:
                media = await self._api.fetch_media(
                    account, message.media_id, allowed_types=IMAGE_TYPES, max_bytes=self._limits.max_bytes
                )
            except MediaRejected as rejected:
                return Answer(f"I could not use that picture: {rejected.message}.")
            images = (image_of_bytes(media.mime_type, media.data),)
        return await commands.answer(self._channels, person, message, images)

    async def _failed(
        self, entry: InboxEntry, sent: list[tuple[str, str]], code: str, detail: str, *, retry: bool
    ) -> None:
        tenant_id, message_id = entry.tenant_id, entry.message.message_id
        now = self._clock.now()
        if retry and entry.attempts < MAX_ATTEMPTS:
            later = now + RETRY_BASE * 2 ** (entry.attempts - 1)
            log.warning("WhatsApp message %s: %s; trying again at %s", message_id, code, later.isoformat())
            await self._store.retry_later(tenant_id, message_id, later, code, detail)
            return
        log.warning("WhatsApp message %s could not be answered: %s", message_id, code)
        await self._store.finish(tenant_id, message_id, InboxState.FAILED, sent, now, error_code=code, error=detail)


def _answer_to(answer: Answer) -> dict[str, Any]:
    rows = [[[b.label, b.action, b.url] for b in row] for row in answer.buttons]
    return {"text": answer.text, "buttons": rows}


def _answer_from(data: dict[str, Any]) -> Answer:
    rows = tuple(tuple(Button(label, action, url) for label, action, url in row) for row in data.get("buttons", []))
    return Answer(str(data.get("text", "")), rows)
