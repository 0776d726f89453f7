"""What runs around every handler: each update applied once (the inbox), and the person behind it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update, User

from promptsaas.application.channels.inbox import MessengerInbox
from promptsaas.application.channels.service import ChannelService
from promptsaas.application.ports.messenger import Answer
from promptsaas.domain.channels import Channel
from promptsaas.domain.links import UserDisabled
from promptsaas.entrypoints.telegram.webhooks import PROVIDER

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def once(handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
    """Store a new update under its `update_id` (a replayed one is stored already), claim it, run its handler, and
    only then mark it done: a failure gives the claim back and a killed process's claim runs out, so the update is
    replayed rather than lost, and the claim keeps two processes or redeliveries from both applying it."""
    assert isinstance(event, Update)
    inbox: MessengerInbox = data["inbox"]
    tenant_id: str = data["tenant_id"]
    update_id = str(event.update_id)
    if not data.get("replay"):
        payload = event.model_dump_json(exclude_none=True, by_alias=True)
        if not await inbox.accept(tenant_id, PROVIDER, update_id, payload):
            return UNHANDLED
    if not await inbox.claim(tenant_id, PROVIDER, update_id):
        return UNHANDLED
    try:
        result = await handler(event, data)
    except BaseException:  # a failure, or the process stopping: replayed later (a killed one's claim runs out)
        await asyncio.shield(inbox.release(tenant_id, PROVIDER, update_id))
        raise
    await inbox.processed(tenant_id, PROVIDER, update_id)
    return result


async def person(handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
    """The person behind the update's sender, created on first contact; a disabled one gets a polite refusal."""
    sender: User | None = data.get("event_from_user")
    if sender is None or sender.is_bot:
        return await handler(event, data)
    channels: ChannelService = data["channels"]
    try:
        data["person"] = await channels.enter(data["tenant_id"], Channel.TELEGRAM, str(sender.id), sender.full_name)
    except UserDisabled as refused:
        await data["messenger"].send(str(sender.id), Answer(f"Sorry, {refused.message}."))
        return None
    return await handler(event, data)
