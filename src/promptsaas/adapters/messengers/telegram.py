"""The Telegram `Messenger`: aiogram's Bot API client, with Telegram's 4096-character limit and HTML escaping.

Every text is escaped, so model output can never break a message's formatting; long answers are split on line
breaks where they can be, and the buttons go under the last part.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.enums import ChatAction, ParseMode
from aiogram.exceptions import (
    AiogramError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice

from promptsaas.application.ports.messenger import Answer, Attachment, Button, Messenger, PaymentAsk, SendFailed

MESSAGE_LIMIT = 4096
STARS = "XTR"
TRANSIENT = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter)
"""Refusals a later try may get past: the network, Telegram's 5xx, and 429 (which says how long to wait)."""
Undelivered = Callable[[str, SendFailed], Awaitable[None]]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts whose escaped text fits `limit`, cut after a line break (else a space) when one is near the end."""
    parts: list[str] = []
    rest = text or " "
    while rest:
        cut, size = 0, 0
        for index, char in enumerate(rest):
            size += len(html.escape(char))
            if size > limit:
                break
            cut = index + 1
        if cut < len(rest):
            window = rest[:cut]
            soft = max(window.rfind("\n"), window.rfind(" "))
            if soft > cut // 2:
                cut = soft + 1
        parts.append(rest[:cut])
        rest = rest[cut:]
    return parts


def keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    if not answer.buttons:
        return None
    rows = [
        [
            InlineKeyboardButton(text=b.label, url=b.url)
            if b.url
            else InlineKeyboardButton(text=b.label, callback_data=b.action[:64])
            for b in row
        ]
        for row in answer.buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def send_failed(error: AiogramError, undelivered: Answer) -> SendFailed:
    """The port's failure; its reason is the error's kind only (a network error's text may carry the URL)."""
    retry_after = float(error.retry_after) if isinstance(error, TelegramRetryAfter) else None
    return SendFailed(type(error).__name__, undelivered, retry=isinstance(error, TRANSIENT), retry_after=retry_after)


class TelegramMessenger(Messenger):
    """With `undelivered`, what Telegram refuses is handed to it (the outbox keeps it) instead of raised."""

    def __init__(self, bot: Bot, undelivered: Undelivered | None = None) -> None:
        self.bot = bot
        self._undelivered = undelivered

    async def send(self, chat_id: str, answer: Answer) -> None:
        """The text, then the payment it asks for: an invoice in the chat, or a button to a subscription's link."""
        parts = split_message(answer.text)
        for index, part in enumerate(parts):
            markup = keyboard(answer) if index == len(parts) - 1 else None
            try:
                await self.bot.send_message(
                    chat_id=int(chat_id), text=html.escape(part), parse_mode=ParseMode.HTML, reply_markup=markup
                )
            except AiogramError as error:  # the parts from here on were not delivered (a re-split gives them back)
                failed = send_failed(error, Answer("".join(parts[index:]), answer.buttons, answer.payment))
                if self._undelivered is None:
                    raise failed from None
                await self._undelivered(chat_id, failed)
                return
        if answer.payment is not None:
            link = await self.ask_payment(chat_id, answer.payment)
            if link is not None:
                pay = f"Subscribe for {answer.payment.amount} Stars"
                button = Answer(answer.payment.title, ((Button(pay, url=link),),))
                await self.bot.send_message(
                    chat_id=int(chat_id), text=html.escape(button.text), reply_markup=keyboard(button)
                )

    async def typing(self, chat_id: str) -> None:
        await self.bot.send_chat_action(chat_id=int(chat_id), action=ChatAction.TYPING)

    async def fetch_attachment(self, reference: str) -> Attachment:
        """A photo by its `file_id` (Telegram serves photos as JPEG; the stored path tells otherwise)."""
        found = await self.bot.get_file(reference)
        path = found.file_path or ""
        data = await self.bot.download_file(path)
        mime = "image/png" if path.endswith(".png") else "image/webp" if path.endswith(".webp") else "image/jpeg"
        return Attachment(data.read() if data else b"", mime)

    async def ask_payment(self, chat_id: str, ask: PaymentAsk) -> str | None:
        """Stars: a subscription is a link (`createInvoiceLink` with a period), a one-off an invoice in the chat."""
        prices = [LabeledPrice(label=ask.title, amount=ask.amount)]  # Stars take exactly one price
        if ask.subscription_period_seconds:
            return await self.bot.create_invoice_link(
                title=ask.title,
                description=ask.description,
                payload=ask.payload,
                currency=ask.currency,
                prices=prices,
                subscription_period=ask.subscription_period_seconds,
            )
        await self.bot.send_invoice(
            chat_id=int(chat_id),
            title=ask.title,
            description=ask.description,
            payload=ask.payload,
            currency=ask.currency,
            prices=prices,
        )
        return None
