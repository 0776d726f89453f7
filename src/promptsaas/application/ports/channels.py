"""Repositories of the messenger channels: chat state, link codes with the moves a link makes, channel secrets and
the messenger updates (their inbox). Every method takes the tenant."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Protocol

from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.channels import Channel
from promptsaas.domain.links import ChatState, LinkCode
from promptsaas.domain.messengers import ChannelSecret, MessengerUpdate


class ChatStateRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, channel: Channel, subject: str) -> ChatState | None: ...
    @abstractmethod
    async def put(self, state: ChatState) -> None: ...


class LinkRepository(Protocol):
    """Link codes, and the moves that join a messenger identity (with its conversations and paid subscriptions) to
    another user of the same tenant."""

    @abstractmethod
    async def add_code(self, code: LinkCode) -> None: ...
    @abstractmethod
    async def get_code(self, tenant_id: str, code_hash: str) -> LinkCode | None: ...
    @abstractmethod
    async def use_code(self, tenant_id: str, code_hash: str, at: datetime) -> bool:
        """Compare-and-set: True only for the one caller that found the code unused."""

    @abstractmethod
    async def move_identity(self, tenant_id: str, provider: str, subject: str, user_id: str) -> None: ...
    @abstractmethod
    async def move_conversations(self, tenant_id: str, from_user: str, to_user: str) -> int: ...
    @abstractmethod
    async def move_subscriptions(self, tenant_id: str, from_user: str, to_user: str) -> int: ...


class ChannelSecretRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, channel: str, name: str) -> ChannelSecret | None: ...
    @abstractmethod
    async def put(self, secret: ChannelSecret) -> None:
        """Store the secret, replacing the previous one of that name."""

    @abstractmethod
    async def delete(self, tenant_id: str, channel: str, name: str) -> bool:
        """Forget the secret; True when one was stored."""


class MessengerUpdateRepository(Protocol):
    @abstractmethod
    async def accept(self, event: MessengerUpdate) -> bool:
        """Store a delivery unless its (tenant, provider, external id) is known; True when it is new."""

    @abstractmethod
    async def claim(
        self, tenant_id: str, provider: str, external_id: str, now: datetime, until: datetime, max_attempts: int
    ) -> bool:
        """Compare-and-set: hold a pending update nobody holds (or whose claim ran out) until `until`, counting the
        attempt; False when it is applied, held by another, or tried `max_attempts` times already."""

    @abstractmethod
    async def release(self, tenant_id: str, provider: str, external_id: str) -> None:
        """Give up a claim without applying the update (a failure), so the next replay takes it at once."""

    @abstractmethod
    async def mark_processed(self, tenant_id: str, provider: str, external_id: str, at: datetime) -> bool:
        """Compare-and-set: True only for the one caller that found it pending."""

    @abstractmethod
    async def pending(
        self, tenant_id: str, provider: str, now: datetime, max_attempts: int, limit: int = 100
    ) -> list[MessengerUpdate]:
        """Accepted, not yet applied, held by nobody (or a claim that ran out) and not given up on, oldest first."""

    @abstractmethod
    async def backlog(self) -> InboxBacklog:
        """How many updates, over every tenant and messenger, are accepted but not applied, and the oldest's time."""
