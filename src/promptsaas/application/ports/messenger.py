"""The `Messenger` port: what a channel service needs of a chat app (send text, show typing, fetch an attachment,
ask for a payment). The Telegram adapter implements it; WhatsApp's does too."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message: `action` is handed back to the channel service when pressed (or opened as `url`)."""

    label: str
    action: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentAsk:
    """A request to pay: `payload` comes back with the payment; `amount` in the messenger's currency unit."""

    title: str
    description: str
    payload: str
    amount: int
    currency: str
    subscription_period_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class ChatPayment:
    """A payment, or its refund, as the messenger reports it (Telegram's `successful_payment`/`refunded_payment`)."""

    charge_id: str
    payload: str
    amount: int
    currency: str
    refunded: bool = False
    paid_until: datetime | None = None
    """A subscription payment's `subscription_expiration_date`; None for a one-time payment."""
    renewal: bool = False
    """A subscription's later payment (`is_recurring` without `is_first_recurring`)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a channel says back: plain text (the messenger escapes it), rows of buttons, and a payment to ask for
    (an invoice in the chat, or a link to pay, sent after the text)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    payment: PaymentAsk | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    data: bytes
    mime_type: str


class SendFailed(Exception):
    """The messenger did not take (all of) an answer. `undelivered` is what it did not take; `retry` says a later
    try may work (a network error, a 5xx, a 429 with `retry_after` seconds); `reason` is safe to log."""

    def __init__(self, reason: str, undelivered: Answer, *, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.undelivered = undelivered
        self.retry = retry
        self.retry_after = retry_after


class Messenger(Protocol):
    @abstractmethod
    async def send(self, chat_id: str, answer: Answer) -> None:
        """Send the answer, split into as many messages as the messenger's size limit needs, buttons on the last;
        `SendFailed` (with the parts not sent) when the messenger refuses it."""

    @abstractmethod
    async def typing(self, chat_id: str) -> None:
        """Show that a reply is being written."""

    @abstractmethod
    async def fetch_attachment(self, reference: str) -> Attachment: ...

    @abstractmethod
    async def ask_payment(self, chat_id: str, ask: PaymentAsk) -> str | None:
        """Send an invoice (or return a payment link, when the messenger gives one)."""
