"""The billing inbox's rules on their own: how long a failed event waits before the next attempt, and that an
invoice pays for a subscription only when both name the same customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from promptsaas.application.billing.events import invoice_of_its_subscriptions_customer
from promptsaas.application.billing.inbox import next_attempt
from promptsaas.application.ports.payments import InvoicePaid, ProviderSubscription
from promptsaas.domain.billing import ProviderStatus

NOW = datetime(2026, 12, 14, 12, tzinfo=UTC)


def invoice(customer: str | None) -> InvoicePaid:
    return InvoicePaid("in_1", "sub_1", customer, "pi_1", 900, "usd", None, None)


def subscription(customer: str | None) -> ProviderSubscription:
    return ProviderSubscription("sub_1", customer, ProviderStatus.ACTIVE, None, None, None, False, None)


def test_a_failed_event_waits_30_seconds_then_twice_as_long_each_time_at_most_an_hour() -> None:
    waits = [next_attempt(NOW, attempts) - NOW for attempts in (1, 2, 3, 4, 8, 9, 50)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 3600, 3600, 3600)]


def test_an_invoice_of_another_customer_does_not_pay_for_the_subscription_it_names() -> None:
    assert not invoice_of_its_subscriptions_customer(invoice("cus_foreign"), subscription("cus_member"))


def test_an_invoice_of_the_subscriptions_customer_pays_for_it() -> None:
    assert invoice_of_its_subscriptions_customer(invoice("cus_member"), subscription("cus_member"))


def test_an_invoice_without_a_subscription_or_customer_to_compare_is_judged_elsewhere() -> None:
    assert invoice_of_its_subscriptions_customer(invoice("cus_member"), None)
    assert invoice_of_its_subscriptions_customer(invoice(None), subscription("cus_member"))
    assert invoice_of_its_subscriptions_customer(invoice("cus_member"), subscription(None))
