"""The unit of work: one transaction over the repositories; it rolls back unless the use case commits."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from promptsaas.application.ports.accounts import (
    ApiKeyRepository,
    IdentityRepository,
    ProviderKeyRepository,
    RefreshTokenRepository,
    TenantRepository,
    UserRepository,
)
from promptsaas.application.ports.billing_store import BillingRepository
from promptsaas.application.ports.catalog import AgentRepository, ModelRepository, PromptVersionRepository
from promptsaas.application.ports.channels import (
    ChannelSecretRepository,
    ChatStateRepository,
    LinkRepository,
    MessengerUpdateRepository,
)
from promptsaas.application.ports.plans import PlanRepository, SubscriptionRepository
from promptsaas.application.ports.repositories import AuditRepository, ConversationRepository, UsageRepository


class UnitOfWork(Protocol):
    tenants: TenantRepository
    users: UserRepository
    identities: IdentityRepository
    agents: AgentRepository
    versions: PromptVersionRepository
    plans: PlanRepository
    subscriptions: SubscriptionRepository
    models: ModelRepository
    conversations: ConversationRepository
    usage: UsageRepository
    audit: AuditRepository
    refresh_tokens: RefreshTokenRepository
    api_keys: ApiKeyRepository
    provider_keys: ProviderKeyRepository
    billing: BillingRepository
    chats: ChatStateRepository
    links: LinkRepository
    channel_secrets: ChannelSecretRepository
    updates: MessengerUpdateRepository

    @abstractmethod
    async def __aenter__(self) -> Self: ...

    @abstractmethod
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed."""

    @abstractmethod
    async def commit(self) -> None: ...

    @abstractmethod
    async def rollback(self) -> None: ...

    @abstractmethod
    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once what this unit of work wrote so far is committed; never if it rolls back."""


class AfterCommit:
    """The actions a unit of work runs once it has committed, for its implementations to hold."""

    def __init__(self) -> None:
        self._actions: list[Callable[[], None]] = []

    def add(self, action: Callable[[], None]) -> None:
        self._actions.append(action)

    def committed(self) -> None:
        actions, self._actions = self._actions, []
        for action in actions:
            action()

    def rolled_back(self) -> None:
        self._actions.clear()


class UnitOfWorkFactory(Protocol):
    @abstractmethod
    def __call__(self) -> UnitOfWork: ...
