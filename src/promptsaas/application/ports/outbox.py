"""The outbox of messenger replies: a reply the messenger refused for a while (a network error, a 5xx, a 429) waits
here to be sent again by a background job, so the person still gets it, once.

An entry is claimed before it is sent (its due time moves a lease ahead), so of several processes or job runs one
sends it; it is marked sent as soon as the messenger took it. A process killed between the two leaves a lease that
runs out, and the entry is sent again: the messengers take no idempotency key, so that window is the only repeat.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from promptsaas.application.ports.messenger import Answer


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    tenant_id: str
    id: str
    provider: str
    chat_id: str
    answer: Answer
    """What is left to deliver (a long answer cut short keeps only the parts not sent yet)."""
    created_at: datetime
    due_at: datetime
    """When it may be sent next; while it is claimed, when the claim runs out."""
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    error: str | None = None
    finished_at: datetime | None = None


class OutboxStore(Protocol):
    @abstractmethod
    async def keep(self, entry: OutboxEntry) -> None: ...

    @abstractmethod
    async def claim_due(self, now: datetime, lease_until: datetime, limit: int = 50) -> list[OutboxEntry]:
        """Claim pending entries due by `now` (across tenants, oldest first) until `lease_until`, counting the
        attempt; an entry another caller claimed first is not returned."""

    @abstractmethod
    async def retry_later(self, tenant_id: str, entry_id: str, at: datetime, answer: Answer, error: str) -> None:
        """Give the claim back with what is still to deliver, due at `at`."""

    @abstractmethod
    async def finish(
        self, tenant_id: str, entry_id: str, state: OutboxState, at: datetime, error: str | None = None
    ) -> None: ...

    @abstractmethod
    async def entries(self, tenant_id: str, limit: int = 100) -> list[OutboxEntry]:
        """The newest first."""


class OutboundSenders(Protocol):
    """Sends an answer on a tenant's messenger, outside any update (the retry job); raises `SendFailed`."""

    @abstractmethod
    async def send(self, tenant_id: str, provider: str, chat_id: str, answer: Answer) -> None: ...
