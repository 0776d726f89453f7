"""Plain text and photos go to the current agent; buttons under answers come back here as callback queries."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from promptsaas.adapters.messengers.telegram import TelegramMessenger
from promptsaas.application.attachments import image_of_bytes
from promptsaas.application.channels import ChannelService, Person
from promptsaas.application.channels.service import Typing


async def text(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    chat = str(message.chat.id)
    answer = await channels.say(
        person, message.text or "", idempotency_key=f"telegram:{message.message_id}", typing=_typing(messenger, chat)
    )
    await messenger.send(chat, answer)


async def photo(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    chat = str(message.chat.id)
    largest = max(message.photo or [], key=lambda p: p.width * p.height)
    attachment = await messenger.fetch_attachment(largest.file_id)
    image = image_of_bytes(attachment.mime_type, attachment.data)
    answer = await channels.say(person, message.caption or "", images=(image,), typing=_typing(messenger, chat))
    await messenger.send(chat, answer)


async def unknown_command(message: Message, channels: ChannelService, messenger: TelegramMessenger) -> None:
    await messenger.send(str(message.chat.id), channels.help())


async def button(query: CallbackQuery, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    await query.answer()
    chat = str(query.from_user.id)
    await messenger.send(chat, await channels.press(person, query.data or ""))


def router_for() -> Router:
    """A fresh router (aiogram attaches a router to one dispatcher only)."""
    router = Router(name="chat")
    router.message.register(text, F.text & ~F.text.startswith("/"))
    router.message.register(photo, F.photo)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.callback_query.register(button, F.data)
    return router


def _typing(messenger: TelegramMessenger, chat: str) -> Typing:
    async def show() -> None:
        await messenger.typing(chat)

    return show
