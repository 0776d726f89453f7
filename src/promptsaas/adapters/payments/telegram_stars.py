"""`PaymentProvider` on Telegram Stars: plans sold as Stars subscriptions (renewed by Telegram every 30 days),
packs as one-time invoices, both paid inside the bot's chat. The credentials' `api_key` is the bot's token.

Payments arrive as bot updates (already authenticated by the bot's own channel), never as webhooks: the channel
service hands them here as `ChatPayment`s, made into events whose payload the inbox keeps. A payment's reference is
`<telegram user>:<telegram_payment_charge_id>`, what `refundStarPayment` and `editUserStarSubscription` need; a
subscription is named by its first payment's reference, which is what Telegram cancels it by.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from promptsaas.application.ports.chat_payments import PaidInChat
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.messenger import ChatPayment
from promptsaas.application.ports.payments import (
    BillingEvent,
    BillingReference,
    ChargeRefunded,
    CheckoutCompleted,
    CheckoutRequest,
    CheckoutSession,
    InvoicePaid,
    PaymentProvider,
    ProviderCredentials,
    ProviderSubscription,
    Refund,
)
from promptsaas.domain.billing import (
    Interval,
    PaymentOperationUnsupported,
    PaymentProviderUnavailable,
    ProviderStatus,
    WebhookRejected,
)

T = TypeVar("T")
CURRENCY = "xtr"


def payment_ref(payer: str, charge_id: str) -> str:
    return f"{payer}:{charge_id}"


def _split(ref: str) -> tuple[int, str]:
    payer, _, charge = ref.partition(":")
    if not payer.isdigit() or not charge:
        raise PaymentOperationUnsupported(f"{ref!r} is not a Telegram Stars payment")
    return int(payer), charge


def _unsupported(what: str) -> NoReturn:
    raise PaymentOperationUnsupported(f"Telegram Stars are paid in the bot's chat: there is no {what}")


class TelegramStarsPayments(PaymentProvider, PaidInChat):
    name = "telegram_stars"

    def __init__(self, clock: Clock, api_base: str | None = None) -> None:
        self._clock = clock
        self._api_base = api_base

    async def start_checkout(self, credentials: ProviderCredentials, request: CheckoutRequest) -> CheckoutSession:
        _unsupported("checkout page (send /plans to the bot)")

    async def fetch_checkout(self, credentials: ProviderCredentials, session_id: str) -> CheckoutSession:
        _unsupported("checkout page (send /plans to the bot)")

    async def open_portal(self, credentials: ProviderCredentials, customer_id: str, return_url: str) -> str:
        _unsupported("billing portal (Telegram's own settings list Stars subscriptions)")

    async def set_cancel_at_period_end(
        self, credentials: ProviderCredentials, subscription_id: str, cancel: bool
    ) -> ProviderSubscription:
        """Stop (or allow again) the renewal; the subscription stays paid until its period's end."""
        user, charge = _split(subscription_id)
        await self._call(
            credentials,
            lambda bot: bot.edit_user_star_subscription(
                user_id=user, telegram_payment_charge_id=charge, is_canceled=cancel
            ),
        )
        return ProviderSubscription(subscription_id, str(user), ProviderStatus.ACTIVE, None, None, None, cancel, None)

    async def cancel_now(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        """Telegram cannot end a paid period early: the renewal stops there, and the snapshot ends it now here."""
        stopped = await self.set_cancel_at_period_end(credentials, subscription_id, True)
        now = self._clock.now()
        return replace(stopped, status=ProviderStatus.CANCELED, current_period_end=now)

    async def refund(
        self, credentials: ProviderCredentials, payment_id: str, amount: int | None, idempotency_key: str
    ) -> Refund:
        """Give the Stars back (Telegram refunds whole payments only); the refund comes back as an event to apply."""
        user, charge = _split(payment_id)
        await self._call(
            credentials, lambda bot: bot.refund_star_payment(user_id=user, telegram_payment_charge_id=charge)
        )
        refunded = ChatPayment(charge, "", amount or 0, CURRENCY, refunded=True)
        event = self.payment_event(str(user), refunded, None, None, self._clock.now())
        return Refund(f"refund:{charge}", charge, amount or 0, CURRENCY, event)

    async def fetch_subscription(self, credentials: ProviderCredentials, subscription_id: str) -> ProviderSubscription:
        _unsupported("subscription to fetch: every payment carries its period")

    def parse_webhook(
        self, credentials: ProviderCredentials, payload: bytes, headers: Mapping[str, str]
    ) -> BillingEvent:
        raise WebhookRejected("Telegram Stars payments arrive as bot updates, not webhooks")

    def payment_event(
        self,
        payer: str,
        payment: ChatPayment,
        reference: BillingReference | None,
        subscription_ref: str | None,
        at: datetime,
    ) -> BillingEvent:
        record = {
            "payer": payer,
            "charge_id": payment.charge_id,
            "payload": payment.payload,
            "amount": payment.amount,
            "currency": payment.currency,
            "refunded": payment.refunded,
            "paid_until": payment.paid_until.timestamp() if payment.paid_until else None,
            "renewal": payment.renewal,
            "reference": [reference.tenant_id, reference.user_id, reference.plan_code] if reference else None,
            "subscription_ref": subscription_ref,
            "at": at.timestamp(),
        }
        return self.parse_stored(json.dumps(record, sort_keys=True).encode())

    def parse_stored(self, payload: bytes) -> BillingEvent:
        try:
            record: dict[str, Any] = json.loads(payload)
            payer, charge, amount = str(record["payer"]), str(record["charge_id"]), int(record["amount"])
            at = datetime.fromtimestamp(float(record["at"]), UTC)
        except (ValueError, TypeError, KeyError):
            raise WebhookRejected("not a stored Telegram Stars payment") from None
        ref = BillingReference(*record["reference"]) if record.get("reference") else None
        tenant = ref.tenant_id if ref else None
        paid = payment_ref(payer, charge)
        if record.get("refunded"):
            change: Any = ChargeRefunded(charge, paid, payer, amount, CURRENCY, full=True, ends_subscription=True)
            return BillingEvent(self.name, f"refund:{charge}", "refunded_payment", at, change, tenant, payload)
        until = record.get("paid_until")
        if until is None:  # a pack, bought once
            change = CheckoutCompleted(paid, ref, payer, None, charge, amount, CURRENCY, True)
            return BillingEvent(self.name, charge, "pack_payment", at, change, tenant, payload)
        end = datetime.fromtimestamp(float(until), UTC)
        sub_ref = str(record.get("subscription_ref") or paid)
        snapshot = ProviderSubscription(
            sub_ref, payer, ProviderStatus.ACTIVE, None, at, end, False, ref, Interval.MONTH
        )
        change = InvoicePaid(charge, sub_ref, payer, paid, amount, CURRENCY, at, end, snapshot)
        return BillingEvent(self.name, charge, "subscription_payment", at, change, tenant, payload)

    async def _call(self, credentials: ProviderCredentials, call: Any) -> Any:
        """One Bot API call with the tenant's bot; Telegram's refusals and outages become one domain error."""
        api = TelegramAPIServer.from_base(self._api_base) if self._api_base else None
        session = AiohttpSession(api=api) if api else AiohttpSession()
        try:
            bot = Bot(token=credentials.api_key, session=session)
            done: Awaitable[Any] = call(bot)
            return await done
        except (TelegramAPIError, TelegramNetworkError) as error:
            raise PaymentProviderUnavailable(f"Telegram refused the Stars operation: {error.message}") from None
        except ValueError:  # aiogram refuses a malformed token before any call
            raise PaymentProviderUnavailable("the Telegram bot token is malformed") from None
        finally:
            await session.close()
