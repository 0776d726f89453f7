"""Commands: /start [code], /help, /agents, /new, /usage, /plans, /link [code], /set name value."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import BotCommand, Message

from promptsaas.adapters.messengers.telegram import TelegramMessenger
from promptsaas.application.channels import ChannelService, Person

MENU = [
    BotCommand(command="start", description="Start, or link with a code from the website"),
    BotCommand(command="agents", description="Choose an agent"),
    BotCommand(command="new", description="Start a new conversation"),
    BotCommand(command="usage", description="What you used and what is left"),
    BotCommand(command="plans", description="Plans and packs"),
    BotCommand(command="link", description="Link this chat to your web account"),
    BotCommand(command="help", description="How this bot works"),
]


def _chat(message: Message) -> str:
    return str(message.chat.id)


async def start(
    message: Message, command: CommandObject, channels: ChannelService, person: Person, messenger: TelegramMessenger
) -> None:
    await messenger.send(_chat(message), await channels.start(person, (command.args or "").strip() or None))


async def help_(message: Message, channels: ChannelService, messenger: TelegramMessenger) -> None:
    await messenger.send(_chat(message), channels.help())


async def agents(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    await messenger.send(_chat(message), await channels.agents(person))


async def new(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    await messenger.send(_chat(message), await channels.new_conversation(person))


async def usage(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    await messenger.send(_chat(message), await channels.usage(person))


async def plans(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    await messenger.send(_chat(message), await channels.plans(person))


async def link(
    message: Message, command: CommandObject, channels: ChannelService, person: Person, messenger: TelegramMessenger
) -> None:
    await messenger.send(_chat(message), await channels.link(person, (command.args or "").strip() or None))


async def set_variable(
    message: Message, command: CommandObject, channels: ChannelService, person: Person, messenger: TelegramMessenger
) -> None:
    name, _, value = (command.args or "").strip().partition(" ")
    if not name or not value.strip():
        await messenger.send(_chat(message), channels.help())
        return
    await messenger.send(_chat(message), await channels.set_variable(person, name, value.strip()))


def router_for() -> Router:
    """A fresh router (aiogram attaches a router to one dispatcher only)."""
    router = Router(name="commands")
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(agents, Command("agents"))
    router.message.register(new, Command("new"))
    router.message.register(usage, Command("usage"))
    router.message.register(plans, Command("plans"))
    router.message.register(link, Command("link"))
    router.message.register(set_variable, Command("set"))
    return router
