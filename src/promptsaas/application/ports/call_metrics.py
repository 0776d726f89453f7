"""What an operator counts of agent calls and webhook inboxes: the application reports, an adapter keeps the series
(Prometheus), or nothing when metrics are off."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CallCount:
    """One agent call as it ended: `ok`, `denied` (by the policy), `rejected` (bad input), `error` or `cancelled`
    (the client left), with its code, and the tokens and cost of an answered call."""

    tenant: str
    agent: str
    channel: str
    outcome: str
    code: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_micros: int = 0


@dataclass(frozen=True, slots=True)
class InboxBacklog:
    """A webhook inbox's updates still waiting to be applied, and when the oldest of them arrived."""

    depth: int
    oldest_at: datetime | None


class CallMetrics(Protocol):
    @abstractmethod
    def count_call(self, call: CallCount) -> None:
        """Add one ended call to the series; never raises, never blocks."""

    @abstractmethod
    def show_backlog(self, inbox: str, backlog: InboxBacklog, now: datetime) -> None:
        """Set the inbox's depth and the age of its oldest waiting update."""


class NoCallMetrics(CallMetrics):
    """Metrics off: every count is dropped."""

    def count_call(self, call: CallCount) -> None:
        return None

    def show_backlog(self, inbox: str, backlog: InboxBacklog, now: datetime) -> None:
        return None
