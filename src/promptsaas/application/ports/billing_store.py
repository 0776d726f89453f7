"""Where billing keeps its state, inside the unit of work: the webhook inbox, the payments ledger, provider customers,
tenants' payment keys, and subscriptions found by their provider reference."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.billing import Payment
from promptsaas.domain.subscriptions import Subscription


class InboxStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    tenant_id: str
    provider: str
    event_id: str
    type: str
    payload: bytes = field(repr=False)
    status: InboxStatus
    received_at: datetime
    applied_at: datetime | None = None
    note: str | None = None
    attempts: int = 0
    """Failed attempts to apply it (the provider down, a network error); each one puts `next_attempt_at` later."""
    next_attempt_at: datetime | None = None
    """When the retry pass may try it again; `None` (rows from before the column): as soon as it was received."""


@dataclass(frozen=True, slots=True)
class SealedPaymentKeys:
    """A tenant's own keys for a payment provider, encrypted (AES-GCM, the tenant and provider as associated data)."""

    tenant_id: str
    provider: str
    key_id: str
    secret_ciphertext: bytes = field(repr=False)
    webhook_ciphertext: bytes | None = field(repr=False)
    updated_at: datetime


class BillingRepository(Protocol):
    @abstractmethod
    async def store_event(self, entry: InboxEntry) -> bool:
        """Insert the event unless `(tenant, provider, event_id)` is already there; True when inserted."""

    @abstractmethod
    async def claim_event(
        self, tenant_id: str, provider: str, event_id: str, status: InboxStatus, at: datetime, note: str | None
    ) -> bool:
        """Move a pending event to `status`; True for the one caller that did (the one that applies it)."""

    @abstractmethod
    async def annotate_event(self, tenant_id: str, provider: str, event_id: str, note: str) -> None:
        """Keep what applying the event did on its row."""

    @abstractmethod
    async def postpone_event(
        self, tenant_id: str, provider: str, event_id: str, next_attempt_at: datetime, note: str
    ) -> None:
        """Count a failed attempt on a pending event and make it due again at `next_attempt_at`."""

    @abstractmethod
    async def pending_events(self, now: datetime, limit: int) -> list[InboxEntry]:
        """Pending events of every tenant that are due at `now`, the longest due first (so rows that keep failing,
        put later each time, never hold back the others)."""

    @abstractmethod
    async def event(self, tenant_id: str, provider: str, event_id: str) -> InboxEntry | None: ...
    @abstractmethod
    async def backlog(self) -> InboxBacklog:
        """How many events, over every tenant, still wait to be applied, and when the oldest arrived."""

    @abstractmethod
    async def add_payment(self, payment: Payment) -> bool:
        """Append to the ledger unless `(tenant, provider, external_id)` is there; True when appended."""

    @abstractmethod
    async def payment(self, tenant_id: str, payment_id: str) -> Payment | None: ...

    @abstractmethod
    async def refunded(self, tenant_id: str, charge_id: str) -> int:
        """Minor units the ledger's refunds return of one charge (refunds name their charge as `reference`)."""

    @abstractmethod
    async def payments(
        self,
        tenant_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
        after: tuple[datetime, str] | None = None,
        limit: int | None = None,
    ) -> list[Payment]:
        """Oldest first by (created_at, id), `since <= created_at < until`; `after` and `limit` page it."""

    @abstractmethod
    async def customer_id(self, tenant_id: str, provider: str, user_id: str) -> str | None: ...

    @abstractmethod
    async def customer_user(self, tenant_id: str, provider: str, customer_id: str) -> str | None: ...

    @abstractmethod
    async def put_customer(self, tenant_id: str, provider: str, user_id: str, customer_id: str) -> None:
        """Remember the user's customer at the provider (first one wins)."""

    @abstractmethod
    async def subscription_by_ref(self, tenant_id: str, provider: str, ref: str) -> Subscription | None: ...

    @abstractmethod
    async def add_subscription_once(self, subscription: Subscription) -> bool:
        """Insert unless a subscription with the same provider reference exists (concurrent writers included: the
        loser waits for the winner's commit); True when inserted."""

    @abstractmethod
    async def provider_subscriptions(self, tenant_id: str, provider: str) -> list[Subscription]: ...

    @abstractmethod
    async def keys(self, tenant_id: str, provider: str) -> SealedPaymentKeys | None: ...

    @abstractmethod
    async def put_keys(self, keys: SealedPaymentKeys) -> None: ...
