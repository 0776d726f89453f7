"""Providers paid inside a messenger (Telegram Stars): no webhook, no checkout page; the bot reports each payment."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Protocol, runtime_checkable

from promptsaas.application.ports.messenger import ChatPayment
from promptsaas.application.ports.payments import BillingEvent, BillingReference


@runtime_checkable
class PaidInChat(Protocol):
    """Providers paid inside a messenger (Telegram Stars): a payment arrives as a chat update the bot has already
    authenticated, made here into a billing event whose payload `parse_stored` reads back from the inbox."""

    @abstractmethod
    def payment_event(
        self,
        payer: str,
        payment: ChatPayment,
        reference: BillingReference | None,
        subscription_ref: str | None,
        at: datetime,
    ) -> BillingEvent:
        """`reference`: who and what the payment is for (None for a refund); `subscription_ref`: the subscription a
        subscription payment pays for (a renewal's is the first payment's)."""
