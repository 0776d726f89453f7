"""Quota windows: calendar windows in UTC, billing periods that follow the subscription, and counter keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promptsaas.domain.plans import Limit, Metric, Window
from promptsaas.domain.quota import CounterKey, counter_key, window_bounds
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus

AT = datetime(2025, 3, 15, 12, 30, 45, 123456, tzinfo=UTC)
PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("window", "start", "end"),
    [
        (Window.MINUTE, utc(2025, 3, 15, 12, 30), utc(2025, 3, 15, 12, 31)),
        (Window.HOUR, utc(2025, 3, 15, 12), utc(2025, 3, 15, 13)),
        (Window.DAY, utc(2025, 3, 15), utc(2025, 3, 16)),
        (Window.MONTH, utc(2025, 3, 1), utc(2025, 4, 1)),
    ],
)
def test_calendar_windows_are_aligned_in_utc(window: Window, start: datetime, end: datetime) -> None:
    assert window_bounds(window, AT) == (start, end)


@pytest.mark.parametrize(
    ("window", "start", "end"),
    [
        (Window.MINUTE, utc(2024, 12, 31, 23, 59), utc(2025, 1, 1)),
        (Window.HOUR, utc(2024, 12, 31, 23), utc(2025, 1, 1)),
        (Window.DAY, utc(2024, 12, 31), utc(2025, 1, 1)),
        (Window.MONTH, utc(2024, 12, 1), utc(2025, 1, 1)),
    ],
)
def test_windows_roll_over_from_december_into_january(window: Window, start: datetime, end: datetime) -> None:
    assert window_bounds(window, utc(2024, 12, 31, 23, 59, 59)) == (start, end)


def test_the_month_window_knows_february_lengths() -> None:
    assert window_bounds(Window.MONTH, utc(2024, 2, 29, 23)) == (utc(2024, 2, 1), utc(2024, 3, 1))
    assert window_bounds(Window.MONTH, utc(2025, 2, 10)) == (utc(2025, 2, 1), utc(2025, 3, 1))


def test_a_local_time_falls_in_the_utc_window_it_denotes() -> None:
    new_year_in_cairo = datetime(2025, 1, 1, 0, 30, tzinfo=PLUS_TWO)  # 2024-12-31 22:30 UTC

    assert window_bounds(Window.DAY, new_year_in_cairo) == (utc(2024, 12, 31), utc(2025, 1, 1))
    assert window_bounds(Window.MONTH, new_year_in_cairo) == (utc(2024, 12, 1), utc(2025, 1, 1))
    evening_in_new_york = datetime(2025, 3, 31, 21, 0, tzinfo=MINUS_FIVE)  # 2025-04-01 02:00 UTC
    assert window_bounds(Window.MONTH, evening_in_new_york) == (utc(2025, 4, 1), utc(2025, 5, 1))


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()),
    st.sampled_from([Window.MINUTE, Window.HOUR, Window.DAY, Window.MONTH]),
)
def test_every_moment_lies_in_its_utc_window(moment: datetime, window: Window) -> None:
    start, end = window_bounds(window, moment)

    assert start.tzinfo is UTC
    assert end.tzinfo is UTC
    assert start <= moment < end
    assert window_bounds(window, start) == (start, end)
    assert window_bounds(window, end)[0] == end


def test_a_billing_period_follows_the_subscription_wherever_now_is_in_it() -> None:
    period = (datetime(2025, 3, 10, 11, 0, tzinfo=PLUS_TWO), datetime(2025, 4, 10, 11, 0, tzinfo=PLUS_TWO))

    for now in (utc(2025, 3, 10, 9), AT, utc(2025, 4, 10, 8, 59)):
        start, end = window_bounds(Window.BILLING_PERIOD, now, period)
        assert (start, end) == (utc(2025, 3, 10, 9), utc(2025, 4, 10, 9))
        assert start.tzinfo is UTC
        assert end.tzinfo is UTC


@pytest.mark.parametrize("period", [None, (utc(2024, 6, 5), None)], ids=["no-period", "open-ended"])
def test_a_billing_period_without_an_end_is_the_calendar_month(
    period: tuple[datetime, datetime | None] | None,
) -> None:
    assert window_bounds(Window.BILLING_PERIOD, AT, period) == (utc(2025, 3, 1), utc(2025, 4, 1))


PERIOD_END = datetime(2025, 4, 10, tzinfo=UTC)


def _subscription(end: datetime | None = PERIOD_END) -> Subscription:
    return Subscription("sub-1", "tenant-a", "user-1", "pro", SubscriptionStatus.ACTIVE, utc(2025, 3, 10), end)


def test_a_counter_key_names_subscription_metric_window_and_window_start() -> None:
    key, resets_at = counter_key(_subscription(), Limit(Metric.TOKENS, Window.DAY, 1000), AT)

    assert key == CounterKey("sub-1", Metric.TOKENS, Window.DAY, utc(2025, 3, 15))
    assert resets_at == utc(2025, 3, 16)


def test_calls_in_one_window_share_a_counter_and_the_next_window_starts_a_new_one() -> None:
    hourly = Limit(Metric.REQUESTS, Window.HOUR, 10)
    sub = _subscription()

    first, _ = counter_key(sub, hourly, utc(2025, 3, 15, 12, 0))
    same, _ = counter_key(sub, hourly, utc(2025, 3, 15, 12, 59, 59))
    next_hour, _ = counter_key(sub, hourly, utc(2025, 3, 15, 13, 0))

    assert first == same
    assert next_hour != first


def test_counters_are_per_subscription_and_per_metric() -> None:
    daily_requests = Limit(Metric.REQUESTS, Window.DAY, 10)
    daily_tokens = Limit(Metric.TOKENS, Window.DAY, 10)
    other = Subscription("sub-2", "tenant-a", "user-1", "free", SubscriptionStatus.ACTIVE, utc(2025, 3, 1))

    keys = {
        counter_key(_subscription(), daily_requests, AT)[0],
        counter_key(_subscription(), daily_tokens, AT)[0],
        counter_key(other, daily_requests, AT)[0],
    }

    assert len(keys) == 3


def test_a_billing_period_counter_starts_with_the_period_and_resets_at_its_end() -> None:
    key, resets_at = counter_key(_subscription(), Limit(Metric.TOKENS, Window.BILLING_PERIOD, 10), AT)

    assert key.window_start == utc(2025, 3, 10)
    assert resets_at == utc(2025, 4, 10)


def test_an_open_ended_subscription_counts_its_billing_period_by_calendar_month() -> None:
    key, resets_at = counter_key(_subscription(end=None), Limit(Metric.TOKENS, Window.BILLING_PERIOD, 10), AT)

    assert key.window_start == utc(2025, 3, 1)
    assert resets_at == utc(2025, 4, 1)
