"""A limit as the shells show it: used, remaining and when it resets, after this call's charge if any."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from promptsaas.domain.decisions import LimitState
from promptsaas.domain.quota import CounterKey


@dataclass(frozen=True, slots=True)
class LimitView:
    metric: str
    window: str
    limit: int | None
    used: int
    remaining: int | None
    resets_at: datetime


def views(states: tuple[LimitState, ...], charges: Mapping[CounterKey, int] | None = None) -> list[LimitView]:
    out = []
    for s in states:
        used = s.used + (charges.get(s.key, 0) if charges and s.key else 0)
        remaining = None if s.limit is None else max(s.limit - used, 0)
        out.append(LimitView(s.metric.value, s.window.value, s.limit, used, remaining, s.resets_at))
    return out


@dataclass(frozen=True, slots=True)
class PackBalance:
    """A credit pack a user holds: what is left on each of its limits and when it expires (`None`: never)."""

    subscription_id: str
    user_id: str
    plan_code: str
    expires_at: datetime | None
    limits: tuple[LimitView, ...]
