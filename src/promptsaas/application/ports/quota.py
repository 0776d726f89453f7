"""The quota ledger: atomic reservations on counters, kept apart from the LLM call, and the settlement that closes
each call."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from promptsaas.domain.conversations import Exchange
from promptsaas.domain.plans import Metric, Window
from promptsaas.domain.quota import Counter, CounterKey, Reservation
from promptsaas.domain.usage import Outcome, UsageRecord


@dataclass(frozen=True, slots=True)
class KeptReply:
    """The reply a retry with the same Idempotency-Key replays: written with the charge, so a call that was charged
    always has one, whatever dies after."""

    scope: str
    response: Mapping[str, Any]
    keep_until: datetime


@dataclass(frozen=True, slots=True)
class Settlement:
    """Everything one finished call writes, in one transaction: the charge that closes its reservation, its usage
    record and, for an answered call, the conversation turn.

    A failed call charges nothing (its reservation is released) and adds no turn; a BYOK call holds no reservation.
    """

    record: UsageRecord
    reservation_id: str | None = None
    charges: Mapping[CounterKey, int] = field(default_factory=dict)
    """What each counter of the reservation is charged (at most what it held); a counter not named is charged 0."""
    exchange: Exchange | None = None
    reply: KeptReply | None = None
    """For an answered call under an Idempotency-Key: its reply, stored in the same transaction."""

    def __post_init__(self) -> None:
        if self.failed and (self.charges or self.exchange is not None):
            raise ValueError("a failed call is charged nothing and adds no conversation turn")

    @property
    def tenant_id(self) -> str:
        return self.record.tenant_id

    @property
    def failed(self) -> bool:
        return self.record.outcome is Outcome.ERROR


class QuotaLedger(Protocol):
    """Reservations on quota counters, held before an LLM call and settled after it."""

    @abstractmethod
    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        """Current counters (missing ones are zero)."""

    @abstractmethod
    async def reserve(self, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        """Hold every item, all or nothing: an item passes only if `used + reserved + amount <= limit`.

        Returns each held counter as it stood just before this hold (so a caller learns the counters without
        reading them first), or `None` when an item did not fit and nothing was held."""

    @abstractmethod
    async def settle(self, settlement: Settlement) -> None:
        """Write a finished call in one transaction: move its reservation (if still held) from `reserved` to `used`
        with the settlement's charges, append its usage record, and store its conversation turn and kept reply (if any)
        on the Idempotency-Key's entry."""

    @abstractmethod
    async def sweep(self, now: datetime) -> int:
        """Release every reservation that expired before `now`, charging nothing; return how many."""

    @abstractmethod
    async def pending(self, tenant_id: str | None = None) -> int:
        """How many reservations are held (for checks and reports)."""


@dataclass(frozen=True, slots=True)
class CounterDrift:
    """A counter that disagrees with what the usage records (`used`) and open reservations (`reserved`) say."""

    tenant_id: str
    subscription_id: str
    metric: Metric
    window: Window
    window_start: datetime
    used: int
    expected_used: int
    reserved: int
    expected_reserved: int

    @classmethod
    def of(cls, tenant_id: str, key: CounterKey, counted: tuple[int, int], expected: tuple[int, int]) -> CounterDrift:
        """From the counter's (used, reserved) and what the records and reservations say they should be."""
        (used, reserved), (expected_used, expected_reserved) = counted, expected
        return cls(
            tenant_id,
            key.subscription_id,
            key.metric,
            key.window,
            key.window_start,
            used,
            expected_used,
            reserved,
            expected_reserved,
        )

    @property
    def key(self) -> CounterKey:
        return CounterKey(self.subscription_id, self.metric, self.window, self.window_start)


class QuotaReconciler(Protocol):
    """Counters are derived data: they can be checked against, and rebuilt from, usage records and reservations."""

    @abstractmethod
    async def reconcile(self, tenant_id: str | None = None) -> list[CounterDrift]:
        """Every counter (of one tenant, or all) that differs from the records; empty when they agree."""

    @abstractmethod
    async def rebuild(self, tenant_id: str) -> int:
        """Rewrite a tenant's counters from its records and open reservations; return how many changed."""
