"""A WhatsApp message as one call of the channel service: a command word, a row picked from a list, or a turn with
the agent. Words work with or without a leading slash: `agents`, `new`, `usage`, `plans`, `link [CODE]`, `help`."""

from __future__ import annotations

from promptsaas.application.channels import ChannelService, Person
from promptsaas.application.ports.messenger import Answer
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.whatsapp import InboundKind, InboundWhatsApp

UNSUPPORTED = Answer("I can read text and pictures only. Write help to see what I can do.")
BUY = "buy:"
"""A buy row of an older answer: WhatsApp pays by Checkout link, so it answers with the plans and their links."""


def command_of(text: str) -> tuple[str, str] | None:
    """(command, the rest) when the message starts with a command word."""
    word, _, rest = text.strip().partition(" ")
    word = word.lower().lstrip("/")
    return (word, rest.strip()) if word in ("agents", "new", "usage", "plans", "link", "help", "set", "start") else None


async def answer(
    channels: ChannelService, person: Person, message: InboundWhatsApp, images: tuple[ImagePart, ...] = ()
) -> Answer:
    """The channel service's answer to this message; the agent turn carries the message's id as idempotency key."""
    if message.kind is InboundKind.CHOICE and message.choice:
        if message.choice.startswith(BUY):
            return await channels.plans(person)
        return await channels.press(person, message.choice)
    if message.kind is InboundKind.UNSUPPORTED:
        return UNSUPPORTED
    command = command_of(message.text) if message.kind is InboundKind.TEXT else None
    if command is None:
        text = message.text.strip() or "What is in this picture?"
        return await channels.say(person, text, images=images, idempotency_key=f"whatsapp:{message.message_id}")
    word, rest = command
    if word == "agents":
        return await channels.agents(person)
    if word == "new":
        return await channels.new_conversation(person)
    if word == "usage":
        return await channels.usage(person)
    if word == "plans":
        return await channels.plans(person)
    if word == "link":
        return await channels.link(person, rest.split()[0] if rest else None)
    if word == "set" and " " in rest:
        name, value = rest.split(" ", 1)
        return await channels.set_variable(person, name, value.strip())
    if word == "start":
        return await channels.start(person)
    return channels.help()
