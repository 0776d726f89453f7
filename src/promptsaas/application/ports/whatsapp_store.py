"""What the WhatsApp channel keeps: the inbox of inbound messages and the outbound messages with their statuses.

The inbox holds each inbound message under its `wamid` from the transaction that answers Meta's webhook until it is
answered; a message is claimed for a lease before it is processed, so of concurrent or repeated deliveries, and of
several server processes, one runs it; a claim whose process died is taken over once the lease runs out.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.whatsapp import DeliveryState, DeliveryStatus, InboundWhatsApp


class InboxState(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    tenant_id: str
    message: InboundWhatsApp
    state: InboxState
    attempts: int
    received_at: datetime
    error_code: str | None = None
    error: str | None = None
    answer: dict[str, Any] | None = None
    """The answer worked out on an earlier try, to send as it is (the agent is not asked, nor charged, twice)."""


OUTBOUND_ACCEPTED = "accepted"
"""The Graph API took the message; its statuses (sent, delivered, read, failed) follow by webhook."""
STATE_RANK = {OUTBOUND_ACCEPTED: 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
"""A status never moves an outbound message back (a late `sent` after `read` changes nothing)."""


@dataclass(frozen=True, slots=True)
class OutboundRecord:
    tenant_id: str
    id: str
    """The `wamid` the Graph API gave it."""
    inbound_id: str | None
    recipient: str
    state: str
    error_code: str | None
    updated_at: datetime


class WhatsAppStore(Protocol):
    @abstractmethod
    async def accept(
        self, tenant_id: str, messages: Sequence[InboundWhatsApp], statuses: Sequence[DeliveryStatus], now: datetime
    ) -> list[str]:
        """In one transaction: store the messages not stored yet and apply the statuses; the ids newly stored."""

    @abstractmethod
    async def claim(self, tenant_id: str, message_id: str, now: datetime, lease_until: datetime) -> InboxEntry | None:
        """Take a pending message whose lease (if any) ran out, until `lease_until`; None when another holds it
        or it is no longer pending. Counts the attempt."""

    @abstractmethod
    async def due(self, now: datetime, limit: int = 50) -> list[tuple[str, str]]:
        """(tenant id, message id) of pending messages nobody holds, oldest first, across tenants."""

    @abstractmethod
    async def backlog(self) -> InboxBacklog:
        """How many messages, over every tenant, still wait for an answer, and when the oldest arrived."""

    @abstractmethod
    async def save_answer(self, tenant_id: str, message_id: str, answer: dict[str, Any]) -> None:
        """Keep the answer of a claimed message (JSON-compatible) before it is sent."""

    @abstractmethod
    async def finish(
        self,
        tenant_id: str,
        message_id: str,
        state: InboxState,
        sent: Sequence[tuple[str, str]],
        now: datetime,
        *,
        error_code: str | None = None,
        error: str | None = None,
    ) -> None:
        """End a claimed message: answered or failed, with the (wamid, recipient) of each message sent for it."""

    @abstractmethod
    async def retry_later(self, tenant_id: str, message_id: str, at: datetime, error_code: str, error: str) -> None:
        """Leave a claimed message pending, not to be taken again before `at`."""

    @abstractmethod
    async def entries(self, tenant_id: str, limit: int = 50) -> list[InboxEntry]:
        """The newest inbox entries first."""

    @abstractmethod
    async def outbound(self, tenant_id: str, limit: int = 100) -> list[OutboundRecord]:
        """The newest outbound messages first, each with its latest status."""


def rank_of(state: DeliveryState | str) -> int:
    return STATE_RANK.get(str(state), 0)
