"""The SQL unit of work: one connection and one transaction; it rolls back unless the use case commits."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from promptsaas.adapters.persistence.sqlalchemy.accounts import SqlIdentities, SqlTenants, SqlUsers
from promptsaas.adapters.persistence.sqlalchemy.billing import SqlBilling
from promptsaas.adapters.persistence.sqlalchemy.catalog import SqlAgents, SqlModels, SqlVersions
from promptsaas.adapters.persistence.sqlalchemy.channels import (
    SqlChannelSecrets,
    SqlChats,
    SqlLinks,
    SqlMessengerUpdates,
)
from promptsaas.adapters.persistence.sqlalchemy.conversations import SqlConversations
from promptsaas.adapters.persistence.sqlalchemy.credentials import SqlApiKeys, SqlRefreshTokens
from promptsaas.adapters.persistence.sqlalchemy.plans import SqlPlans, SqlSubscriptions
from promptsaas.adapters.persistence.sqlalchemy.provider_keys import SqlProviderKeys
from promptsaas.adapters.persistence.sqlalchemy.records import SqlAudit, SqlUsage
from promptsaas.adapters.persistence.sqlalchemy.statements import Statements
from promptsaas.adapters.persistence.sqlalchemy.transactions import WriteTransaction
from promptsaas.application.ports.unit_of_work import AfterCommit, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


class Connections(Protocol):
    """Where a unit of work gets its connection and write transaction: a `Database`, or a `ReadOnlyDatabase`."""

    def connect(self) -> AbstractAsyncContextManager[Any]: ...
    def write_transaction(self, conn: Any) -> WriteTransaction: ...


class SqlUnitOfWork(UnitOfWork):
    def __init__(self, database: Connections) -> None:
        self._database = database
        self._opened: AbstractAsyncContextManager[AsyncConnection] | None = None
        self._statements: Statements | None = None
        self._committed = AfterCommit()

    async def __aenter__(self) -> Self:
        self._opened = self._database.connect()
        conn = await self._opened.__aenter__()
        self._statements = db = Statements(self._database.write_transaction(conn))
        self.tenants = SqlTenants(db)
        self.users = SqlUsers(db)
        self.identities = SqlIdentities(db)
        self.agents = SqlAgents(db)
        self.versions = SqlVersions(db)
        self.plans = SqlPlans(db)
        self.subscriptions = SqlSubscriptions(db)
        self.models = SqlModels(db)
        self.conversations = SqlConversations(db)
        self.usage = SqlUsage(db)
        self.audit = SqlAudit(db)
        self.refresh_tokens = SqlRefreshTokens(db)
        self.api_keys = SqlApiKeys(db)
        self.provider_keys = SqlProviderKeys(db)
        self.billing = SqlBilling(db)
        self.chats = SqlChats(db)
        self.links = SqlLinks(db)
        self.channel_secrets = SqlChannelSecrets(db)
        self.updates = SqlMessengerUpdates(db)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        opened, statements, self._opened, self._statements = self._opened, self._statements, None, None
        try:
            if statements is not None:
                await statements.transaction.rollback()
        finally:
            if opened is not None:
                await opened.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        await self._open().transaction.commit()
        self._committed.committed()

    async def rollback(self) -> None:
        await self._open().transaction.rollback()
        self._committed.rolled_back()

    def after_commit(self, action: Callable[[], None]) -> None:
        self._committed.add(action)

    def _open(self) -> Statements:
        if self._statements is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._statements


class SqlUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, database: Connections) -> None:
        self.database = database

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database)
