"""Telegram Stars in the chat: the pre-checkout answered at once (Telegram waits 10 s), payments and refunds handed
to the channel service as `ChatPayment`s; what they grant is decided there."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.types import Message, PreCheckoutQuery

from promptsaas.adapters.messengers.telegram import TelegramMessenger
from promptsaas.application.channels import ChannelService, Person
from promptsaas.application.ports.messenger import ChatPayment
from promptsaas.domain.errors import DomainError

UNAVAILABLE = "Sorry, this payment cannot be taken right now; please try again in a few minutes."


async def pre_checkout(query: PreCheckoutQuery, channels: ChannelService, person: Person) -> None:
    try:
        refusal = await channels.payments.check(person, query.invoice_payload, query.total_amount, query.currency)
    except DomainError:
        refusal = UNAVAILABLE
    await query.answer(ok=refusal is None, error_message=refusal)


async def paid(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    got = message.successful_payment
    assert got is not None
    until = got.subscription_expiration_date
    payment = ChatPayment(
        got.telegram_payment_charge_id,
        got.invoice_payload,
        got.total_amount,
        got.currency,
        paid_until=datetime.fromtimestamp(until, UTC) if until else None,
        renewal=bool(got.is_recurring and not got.is_first_recurring),
    )
    answer = await channels.payments.received(person, payment)
    if answer is not None:
        await messenger.send(str(message.chat.id), answer)


async def refunded(message: Message, channels: ChannelService, person: Person, messenger: TelegramMessenger) -> None:
    got = message.refunded_payment
    assert got is not None
    payment = ChatPayment(
        got.telegram_payment_charge_id, got.invoice_payload or "", got.total_amount, got.currency, refunded=True
    )
    answer = await channels.payments.received(person, payment)
    if answer is not None:
        await messenger.send(str(message.chat.id), answer)


def router_for() -> Router:
    """A fresh router (aiogram attaches a router to one dispatcher only)."""
    router = Router(name="payments")
    router.pre_checkout_query.register(pre_checkout)
    router.message.register(paid, F.successful_payment)
    router.message.register(refunded, F.refunded_payment)
    return router
