"""The in-memory unit of work: writes go straight to the store and are undone unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from promptsaas.adapters.persistence.memory.accounts import MemoryIdentities, MemoryTenants, MemoryUsers
from promptsaas.adapters.persistence.memory.billing import MemoryBilling
from promptsaas.adapters.persistence.memory.catalog import MemoryAgents, MemoryModels, MemoryVersions
from promptsaas.adapters.persistence.memory.channels import (
    MemoryChannelSecrets,
    MemoryChats,
    MemoryLinks,
    MemoryMessengerUpdates,
)
from promptsaas.adapters.persistence.memory.conversations import MemoryConversations
from promptsaas.adapters.persistence.memory.credentials import MemoryApiKeys, MemoryRefreshTokens
from promptsaas.adapters.persistence.memory.plans import MemoryPlans, MemorySubscriptions
from promptsaas.adapters.persistence.memory.provider_keys import MemoryProviderKeys
from promptsaas.adapters.persistence.memory.records import MemoryAudit, MemoryUsage
from promptsaas.adapters.persistence.memory.store import Journal, MemoryStore
from promptsaas.application.ports.unit_of_work import AfterCommit, UnitOfWork, UnitOfWorkFactory


class MemoryUnitOfWork(UnitOfWork):
    def __init__(self, store: MemoryStore) -> None:
        self._journal = journal = Journal()
        self._committed = AfterCommit()
        self.tenants = MemoryTenants(store.tenants, journal)
        self.users = MemoryUsers(store.users, journal)
        self.identities = MemoryIdentities(store.identities, journal)
        self.versions = MemoryVersions(store.versions, journal)
        self.agents = MemoryAgents(store.agents, journal, self.versions)
        self.plans = MemoryPlans(store.plans, journal)
        self.subscriptions = MemorySubscriptions(store.subscriptions, journal)
        self.models = MemoryModels(store.models, journal)
        self.conversations = MemoryConversations(store.conversations, store.messages, journal)
        self.usage = MemoryUsage(store.usage, journal, store.denials, store.users)
        self.audit = MemoryAudit(store.audit, journal)
        self.refresh_tokens = MemoryRefreshTokens(store.refresh_tokens, journal)
        self.api_keys = MemoryApiKeys(store.api_keys, journal)
        self.provider_keys = MemoryProviderKeys(store.provider_keys, journal)
        self.billing = MemoryBilling(store.billing, store.subscriptions, journal)
        self.chats = MemoryChats(store.chats, journal)
        self.links = MemoryLinks(store, journal)
        self.channel_secrets = MemoryChannelSecrets(store.channel_secrets, journal)
        self.updates = MemoryMessengerUpdates(store.updates, journal)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self._journal.entries.clear()
        self._committed.committed()

    async def rollback(self) -> None:
        self._journal.undo()
        self._committed.rolled_back()

    def after_commit(self, action: Callable[[], None]) -> None:
        self._committed.add(action)


class MemoryUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store)
