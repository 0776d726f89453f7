"""The Telegram Stars `PaymentProvider` against the Bot API loopback stub: refunds and cancels are the Bot API calls
Telegram documents, a refusal is one domain error, and a payment's event survives the inbox's round trip."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from promptsaas.adapters.payments.telegram_stars import TelegramStarsPayments
from promptsaas.application.ports.messenger import ChatPayment
from promptsaas.application.ports.payments import (
    BillingReference,
    ChargeRefunded,
    CheckoutCompleted,
    InvoicePaid,
    ProviderCredentials,
)
from promptsaas.domain.billing import PaymentOperationUnsupported, PaymentProviderUnavailable, ProviderStatus
from tests.integration.persistence.platforms import FixedClock
from tests.support.telegram_stub import TOKEN, TelegramStub

BOT = ProviderCredentials(TOKEN)
PAID_UNTIL = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
async def stub() -> AsyncIterator[TelegramStub]:
    async with TelegramStub() as running:
        yield running


@pytest.fixture
def stars(stub: TelegramStub) -> TelegramStarsPayments:
    return TelegramStarsPayments(FixedClock(), stub.url)


async def test_a_refund_gives_the_stars_back_and_comes_back_as_an_event(
    stars: TelegramStarsPayments, stub: TelegramStub
) -> None:
    refund = await stars.refund(BOT, "7001:stxABC", None, "refund-1")

    assert stub.sent("refundStarPayment") == [{"user_id": "7001", "telegram_payment_charge_id": "stxABC"}]
    assert refund.event is not None
    assert refund.event.event_id == "refund:stxABC"
    change = refund.event.change
    assert isinstance(change, ChargeRefunded)
    assert (change.charge_id, change.full, change.ends_subscription) == ("stxABC", True, True)


async def test_a_cancel_stops_the_renewal_at_telegram(stars: TelegramStarsPayments, stub: TelegramStub) -> None:
    snapshot = await stars.set_cancel_at_period_end(BOT, "7001:stxFIRST", True)

    call = stub.sent("editUserStarSubscription")[0]
    assert call == {"user_id": "7001", "telegram_payment_charge_id": "stxFIRST", "is_canceled": "true"}
    assert snapshot.cancel_at_period_end is True


async def test_an_admins_cancel_stops_the_renewal_at_telegram_and_ends_the_subscription_now(
    stars: TelegramStarsPayments, stub: TelegramStub
) -> None:
    snapshot = await stars.cancel_now(BOT, "7001:stxFIRST")

    call = stub.sent("editUserStarSubscription")[0]
    assert call == {"user_id": "7001", "telegram_payment_charge_id": "stxFIRST", "is_canceled": "true"}
    assert snapshot.status is ProviderStatus.CANCELED
    assert snapshot.current_period_end == FixedClock().now()


async def test_a_wrong_token_is_a_clear_provider_error_naming_no_token(stars: TelegramStarsPayments) -> None:
    with pytest.raises(PaymentProviderUnavailable) as raised:
        await stars.refund(ProviderCredentials("999:WRONG-token"), "7001:stxABC", None, "refund-1")

    assert "Unauthorized" in raised.value.message
    assert "WRONG" not in raised.value.message


async def test_there_is_no_checkout_page_or_remote_state(stars: TelegramStarsPayments) -> None:
    with pytest.raises(PaymentOperationUnsupported):
        await stars.fetch_subscription(BOT, "7001:stxFIRST")


def test_payments_read_back_from_the_inbox_as_the_same_events(stars: TelegramStarsPayments) -> None:
    ref = BillingReference("t1", "u1", "pro")
    at = datetime(2026, 1, 2, tzinfo=UTC)
    plan = ChatPayment("stx1", "stars:pro:u1:250", 250, "XTR", paid_until=PAID_UNTIL)
    pack = ChatPayment("stx2", "stars:credits:u1:50", 50, "XTR")

    for payment in (plan, pack):
        event = stars.payment_event("7001", payment, ref, None, at)
        assert stars.parse_stored(event.payload) == event

    sub = stars.payment_event("7001", plan, ref, None, at).change
    assert isinstance(sub, InvoicePaid)
    assert sub.subscription is not None
    assert (sub.subscription.id, sub.subscription.current_period_end) == ("7001:stx1", PAID_UNTIL)
    renewal = stars.payment_event(
        "7001", ChatPayment("stx9", "p", 250, "XTR", paid_until=PAID_UNTIL), ref, "7001:stx1", at
    )
    assert isinstance(renewal.change, InvoicePaid)
    assert renewal.change.subscription_id == "7001:stx1"
    bought = stars.payment_event("7001", pack, ref, None, at).change
    assert isinstance(bought, CheckoutCompleted)
    assert (bought.payment_id, bought.subscription_id, bought.currency) == ("stx2", None, "xtr")
