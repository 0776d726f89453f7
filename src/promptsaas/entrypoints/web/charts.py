"""Bar charts drawn on the server as SVG geometry: one bar per day, scaled to the largest value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WIDTH = 600
HEIGHT = 180
LEFT = 76  # room for a peak label such as "1,234.00 EUR"
BOTTOM = 22
TOP = 10


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    bars: list[Bar]
    peak: str
    first: str
    last: str
    total: str
    tone: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM
    top: int = TOP


def days(since: date, count: int) -> list[str]:
    return [(since + timedelta(days=n)).isoformat() for n in range(count)]


def months(last: date, count: int) -> list[str]:
    """The `count` months up to and including `last`'s, oldest first, as YYYY-MM."""
    index = last.year * 12 + last.month - 1
    return [f"{(index - n) // 12:04d}-{(index - n) % 12 + 1:02d}" for n in reversed(range(count))]


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
    tone: str = "",
) -> Chart:
    """A chart of `values` (one per label, in order); the tallest bar fills the plot's height."""
    peak = max(values, default=0) or 1
    slot = (WIDTH - LEFT) / max(len(values), 1)
    plot = HEIGHT - BOTTOM - TOP
    bars = []
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = plot * max(value, 0) / peak
        x = LEFT + n * slot + slot * 0.15
        bars.append(
            Bar(
                round(x, 1),
                round(HEIGHT - BOTTOM - height, 1),
                round(slot * 0.7, 1),
                round(height, 1),
                label,
                fmt(value),
            )
        )
    return Chart(
        title=title,
        bars=bars,
        peak=fmt(max(values, default=0)),
        first=labels[0] if labels else "",
        last=labels[-1] if labels else "",
        total=fmt(sum(values)),
        tone=tone,
    )
