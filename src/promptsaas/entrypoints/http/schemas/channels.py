"""Messenger channels over HTTP: a tenant's Telegram token, and the link codes that join a chat to an account."""

from __future__ import annotations

from typing import Annotated

import msgspec

from promptsaas.entrypoints.http.schemas.base import Read, Request, about

LinkCode = Annotated[str, about("A single-use link code, valid for 10 minutes", "K7PM3QX9TD")]


class TelegramChannelIn(Request):
    bot_token: Annotated[
        str, about("The token BotFather gave (stored encrypted, never shown again)", "123456:ABC-DEF1234ghIkl")
    ]


class TelegramChannelRead(Read):
    channel: Annotated[str, about("The channel", "telegram")]
    bot_username: Annotated[str | None, about("The bot's username, when Telegram confirmed the token", "acme_bot")]


class LinkCodeRead(Read):
    code: LinkCode
    expires_at: Annotated[str, about("When the code stops working (ISO 8601, UTC)", "2026-01-15T09:40:00+00:00")]
    telegram_url: Annotated[
        str | None,
        about(
            "A t.me deep link that sends the code to the bot; null until the bot is set up",
            "https://t.me/acme_bot?start=K7PM3QX9TD",
        ),
    ]


class LinkIn(Request):
    code: Annotated[LinkCode, msgspec.Meta(min_length=4, max_length=32)]


class LinkedRead(Read):
    user_id: Annotated[str, about("Your user id, which the chat identity now belongs to", "0193a5b2-1f2e-7a4b-8c9d")]
    conversations: Annotated[int, about("Conversations that moved to your account", 2)]
    subscriptions: Annotated[int, about("Subscriptions that moved to your account", 0)]
