"""The unit of work of a read-only database: the repositories a read command uses (today `tenants`), read in one
transaction that ends with the unit of work.

Every other repository of the port is `NOT_SERVED`, which refuses any use, and so are `commit` and `after_commit`:
a use case that writes, or reads what this path does not serve, fails loudly instead of half-running.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, NoReturn, Self

from promptsaas.adapters.persistence.dbapi.database import ReadOnly, ReadOnlyDatabase
from promptsaas.adapters.persistence.dbapi.tenants import DbapiTenants
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory


class NotServed:
    """Stands for a repository the read-only path does not read: any use is a `ReadOnly` error."""

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):  # Python's own probes (`__isabstractmethod__`, ...): not a repository call
            raise AttributeError(name)
        raise ReadOnly(f"the read-only database reads tenants only, not {name}(): open the full platform")


NOT_SERVED: Any = NotServed()


class ReadOnlyUnitOfWork(UnitOfWork):
    users = identities = agents = versions = plans = subscriptions = models = conversations = NOT_SERVED
    usage = audit = refresh_tokens = api_keys = provider_keys = billing = NOT_SERVED
    chats = links = channel_secrets = updates = NOT_SERVED

    def __init__(self, database: ReadOnlyDatabase) -> None:
        self._database = database
        self.tenants = DbapiTenants(database)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._database.end()

    async def commit(self) -> None:
        raise ReadOnly("cannot commit: this database was opened read-only")

    async def rollback(self) -> None:
        self._database.end()

    def after_commit(self, action: Callable[[], None]) -> None:
        raise ReadOnly("nothing commits on a database opened read-only")


class ReadOnlyUnitOfWorkFactory(UnitOfWorkFactory):
    def __init__(self, database: ReadOnlyDatabase) -> None:
        self._database = database

    def __call__(self) -> UnitOfWork:
        return ReadOnlyUnitOfWork(self._database)
