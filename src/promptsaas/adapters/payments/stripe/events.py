"""Stripe events (as JSON dicts) normalized into `BillingEvent`s: the only place that knows Stripe's field names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from promptsaas.application.ports.payments import (
    BillingChange,
    BillingEvent,
    BillingReference,
    ChargeRefunded,
    CheckoutCompleted,
    CheckoutPaymentFailed,
    InvoicePaid,
    InvoicePaymentFailed,
    ProviderSubscription,
    SubscriptionChanged,
)
from promptsaas.domain.billing import Interval, ProviderStatus

PROVIDER = "stripe"


def when(stamp: Any) -> datetime | None:
    return datetime.fromtimestamp(int(stamp), UTC) if stamp else None


def _id(value: Any) -> str | None:
    """An expandable field: an id, or the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id")) if value.get("id") else None
    return str(value) if value else None


def reference(metadata: Any) -> BillingReference | None:
    if not isinstance(metadata, dict):
        return None
    tenant, user, plan = metadata.get("tenant_id"), metadata.get("user_id"), metadata.get("plan_code")
    return BillingReference(tenant, user, plan) if tenant and user and plan else None


def subscription_of(obj: dict[str, Any]) -> ProviderSubscription:
    items = (obj.get("items") or {}).get("data") or [{}]
    item = items[0]
    price = item.get("price") or {}
    start = item.get("current_period_start") or obj.get("current_period_start")
    end = item.get("current_period_end") or obj.get("current_period_end")
    try:
        status = ProviderStatus(obj.get("status", "incomplete"))
    except ValueError:
        status = ProviderStatus.INCOMPLETE
    return ProviderSubscription(
        id=str(obj["id"]),
        customer_id=_id(obj.get("customer")),
        status=status,
        price_id=_id(price),
        current_period_start=when(start),
        current_period_end=when(end),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        reference=reference(obj.get("metadata")),
        interval=_interval(price),
    )


def _interval(price: Any) -> Interval | None:
    recurring = price.get("recurring") if isinstance(price, dict) else None
    try:
        return Interval(str((recurring or {}).get("interval")))
    except ValueError:
        return None


def _invoice_subscription(obj: dict[str, Any]) -> str | None:
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(obj.get("subscription"))


def _invoice_payment(obj: dict[str, Any]) -> str | None:
    for entry in (obj.get("payments") or {}).get("data") or []:
        payment = entry.get("payment") or {}
        found = _id(payment.get("payment_intent")) or _id(payment.get("charge"))
        if found:
            return found
    return _id(obj.get("payment_intent")) or _id(obj.get("charge"))


def _checkout(obj: dict[str, Any], paid: bool) -> CheckoutCompleted:
    return CheckoutCompleted(
        session_id=str(obj["id"]),
        reference=reference(obj.get("metadata")),
        customer_id=_id(obj.get("customer")),
        subscription_id=_id(obj.get("subscription")),
        payment_id=_id(obj.get("payment_intent")),
        amount=int(obj.get("amount_total") or 0),
        currency=str(obj.get("currency") or "usd"),
        paid=paid,
    )


def change_of(kind: str, obj: dict[str, Any]) -> BillingChange:
    """What one Stripe event type means; `None` for the types the platform does not act on."""
    if kind == "checkout.session.completed":
        return _checkout(obj, obj.get("payment_status") in ("paid", "no_payment_required"))
    if kind == "checkout.session.async_payment_succeeded":
        return _checkout(obj, True)
    if kind == "checkout.session.async_payment_failed":
        return CheckoutPaymentFailed(str(obj["id"]), reference(obj.get("metadata")))
    if kind in ("customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"):
        return SubscriptionChanged(subscription_of(obj), deleted=kind.endswith(".deleted"))
    if kind == "invoice.paid":
        lines = (obj.get("lines") or {}).get("data") or [{}]
        period = lines[0].get("period") or {}
        return InvoicePaid(
            invoice_id=str(obj["id"]),
            subscription_id=_invoice_subscription(obj),
            customer_id=_id(obj.get("customer")),
            payment_id=_invoice_payment(obj),
            amount=int(obj.get("amount_paid") or 0),
            currency=str(obj.get("currency") or "usd"),
            period_start=when(period.get("start") or obj.get("period_start")),
            period_end=when(period.get("end") or obj.get("period_end")),
        )
    if kind == "invoice.payment_failed":
        return InvoicePaymentFailed(str(obj["id"]), _invoice_subscription(obj), _id(obj.get("customer")))
    if kind == "charge.refunded":
        return ChargeRefunded(
            charge_id=str(obj["id"]),
            payment_id=_id(obj.get("payment_intent")),
            customer_id=_id(obj.get("customer")),
            amount_refunded=int(obj.get("amount_refunded") or 0),
            currency=str(obj.get("currency") or "usd"),
        )
    return None


def event_of(data: Any, payload: bytes) -> BillingEvent:
    """Raises `ValueError` for a body that is not a Stripe event: not an object, `id` not a non-empty string (at most
    255 characters, as the inbox keeps it), `type` not a string, `data.object` not an object."""
    if not isinstance(data, dict):
        raise ValueError("the body is not a JSON object")
    event_id, kind = data.get("id"), data.get("type")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 255:
        raise ValueError("`id` is not a string of 1 to 255 characters")
    if not isinstance(kind, str):
        raise ValueError("`type` is not a string")
    obj = (data.get("data") or {}).get("object") or {}
    if not isinstance(obj, dict):
        raise ValueError("`data.object` is not an object")
    change = change_of(kind, obj)
    ref = reference(obj.get("metadata"))
    return BillingEvent(
        provider=PROVIDER,
        event_id=event_id,
        type=kind,
        created=when(data.get("created")) or datetime.fromtimestamp(0, UTC),
        change=change,
        tenant_id=ref.tenant_id if ref else None,
        payload=payload,
    )
