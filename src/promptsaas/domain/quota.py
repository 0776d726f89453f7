"""Quota windows, counters and reservations.

Windows are calendar windows in UTC (minute, hour, day, month); `billing_period` follows the subscription, and
`grant` (a pack's) spans the holding's whole life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from promptsaas.domain.plans import Limit, Metric, Window
from promptsaas.domain.subscriptions import Subscription


def _add_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month)


def window_bounds(
    window: Window, now: datetime, period: tuple[datetime, datetime | None] | None = None
) -> tuple[datetime, datetime]:
    """The [start, end) of the window containing `now`."""
    now = now.astimezone(UTC)
    if window is Window.MINUTE:
        start = now.replace(second=0, microsecond=0)
        return start, start + timedelta(minutes=1)
    if window is Window.HOUR:
        start = now.replace(minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=1)
    if window is Window.DAY:
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)
    if window is Window.GRANT and period is not None:
        start = period[0].astimezone(UTC)
        return start, (period[1] or start.replace(year=start.year + 100)).astimezone(UTC)
    if window is Window.BILLING_PERIOD and period is not None and period[1] is not None:
        return period[0].astimezone(UTC), period[1].astimezone(UTC)
    # month, and billing periods without an end: the calendar month
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, _add_month(start)


@dataclass(frozen=True, slots=True)
class CounterKey:
    """One quota counter: a subscription's metric in one window."""

    subscription_id: str
    metric: Metric
    window: Window
    window_start: datetime


@dataclass(frozen=True, slots=True)
class Counter:
    used: int = 0
    reserved: int = 0

    @property
    def total(self) -> int:
        return self.used + self.reserved


@dataclass(frozen=True, slots=True)
class ReservationItem:
    key: CounterKey
    amount: int
    limit: int | None
    """`None`: unlimited, counted but never refused."""


@dataclass(frozen=True, slots=True)
class Reservation:
    """Usage held on counters between the policy decision and the settle (or release) of one call."""

    id: str
    tenant_id: str
    items: tuple[ReservationItem, ...]
    expires_at: datetime


def counter_key(subscription: Subscription, limit: Limit, now: datetime) -> tuple[CounterKey, datetime]:
    """The counter a limit of a subscription uses at `now`, and when that window resets."""
    period = (subscription.current_period_start, subscription.current_period_end)
    start, end = window_bounds(limit.window, now, period)
    return CounterKey(subscription.id, limit.metric, limit.window, start), end
