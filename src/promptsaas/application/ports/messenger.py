"""The `Messenger` port: what a channel service needs of a chat app (send text, show typing, fetch an attachment,
ask for a payment). The Telegram adapter implements it; WhatsApp's does too."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message: `action` is handed back to the channel service when pressed (or opened as `url`)."""

    label: str
    action: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """What a channel says back: plain text (the messenger escapes it) and rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    data: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class PaymentAsk:
    """A request to pay: `payload` comes back with the payment; `amount` in the messenger's currency unit."""

    title: str
    description: str
    payload: str
    amount: int
    currency: str
    subscription_period_seconds: int | None = None


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
