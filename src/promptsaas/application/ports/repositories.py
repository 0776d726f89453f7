"""The repositories of activity: conversations and their messages, usage records and denials, audit entries.
Every method takes the tenant id; the other areas' repositories live in `accounts`, `catalog` and `plans`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.conversations import Conversation, Message
from promptsaas.domain.usage import Denial, UsageRecord


class ConversationRepository(Protocol):
    """Turns are written by `QuotaLedger.settle`, with their call's usage; here conversations are read and purged."""

    @abstractmethod
    async def get(self, tenant_id: str, conversation_id: str) -> Conversation | None: ...
    @abstractmethod
    async def list_for_user(
        self, tenant_id: str, user_id: str, before: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Conversation]:
        """Most recently updated first, by (updated_at, id) descending; `before` and `limit` page it."""

    @abstractmethod
    async def delete(self, tenant_id: str, conversation_id: str) -> None: ...
    @abstractmethod
    async def recent_messages(self, tenant_id: str, conversation_id: str, limit: int) -> list[Message]:
        """The last `limit` messages, oldest first."""

    @abstractmethod
    async def purge_messages(
        self, tenant_id: str, user_ids: Sequence[str], before: datetime, *, dry_run: bool = False
    ) -> int:
        """Delete the messages of these users older than `before` (or only count them); return the count."""


@dataclass(frozen=True, slots=True)
class UsageRow:
    key: str
    requests: int
    input_tokens: int
    output_tokens: int
    cost_micros: int
    errors: int
    email: str | None = None
    """Grouped by user: the user's email (None for a user without one, or one since deleted)."""

    @property
    def label(self) -> str:
        """What a person reads for the row: the user's email when there is one, else the key."""
        return self.email or self.key


@dataclass(frozen=True, slots=True)
class DenialCount:
    day: str
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class UsageQuery:
    tenant_id: str
    group_by: str = "agent"
    """agent | user | plan | day | model"""
    since: datetime | None = None
    until: datetime | None = None
    user_id: str | None = None


class UsageRepository(Protocol):
    """Usage records are written by `QuotaLedger.settle`, with the charge of their call; here they are read."""

    @abstractmethod
    async def records(self, tenant_id: str, since: datetime | None = None) -> list[UsageRecord]: ...
    @abstractmethod
    async def records_of_request(self, tenant_id: str, request_id: str) -> list[UsageRecord]:
        """The calls one request made (usually one), in the order they were written."""

    @abstractmethod
    async def summarize(self, query: UsageQuery) -> list[UsageRow]: ...
    @abstractmethod
    async def add_denial(self, denial: Denial) -> None: ...
    @abstractmethod
    async def denials_per_day(self, tenant_id: str, since: datetime) -> list[DenialCount]:
        """How many calls were refused per day (UTC) and code since `since`, ordered by day then code."""


class AuditRepository(Protocol):
    @abstractmethod
    async def add(self, entry: AuditEntry) -> None: ...
    @abstractmethod
    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append many entries in one statement, in order."""

    @abstractmethod
    async def list(self, tenant_id: str, limit: int = 50, before: str | None = None) -> list[AuditEntry]:
        """Newest first; `before` (an entry's id) starts after that entry."""
