"""`ReadOnlyPlatform`: `AsyncPlatform`'s reads on a database opened read-only, for one-shot processes.

A CLI read command answers in a fraction of the time a full platform takes to open: the database is read through
its driver (`adapters.persistence.dbapi`), so neither SQLAlchemy nor Alembic is imported, and no container, LLM,
payment or messenger adapter is built; the same application service answers. Only an existing database at this
version's schema is opened; anything else is left to `AsyncPlatform.open`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from promptsaas.adapters.clock import SystemClock, UuidV7Generator
from promptsaas.adapters.persistence.dbapi.database import ReadOnlyDatabase, open_read_only
from promptsaas.adapters.persistence.dbapi.unit_of_work import ReadOnlyUnitOfWorkFactory
from promptsaas.adapters.persistence.schema_revision import HEAD_REVISION
from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail

if TYPE_CHECKING:
    from promptsaas.domain.tenants import Tenant


class Reads(Protocol):
    """The reads both platforms answer alike, so a command can run on either."""

    async def tenants(self) -> list[Tenant]: ...


class ReadOnlyPlatform(Reads):
    def __init__(self, database: ReadOnlyDatabase) -> None:
        self._database = database
        clock, ids = SystemClock(), UuidV7Generator()
        self._admin = AdminService(ReadOnlyUnitOfWorkFactory(database), clock, ids, AuditTrail(clock, ids))

    @classmethod
    def open(cls, database_url: str) -> ReadOnlyPlatform | None:
        """The platform on `database_url` when it is an existing SQL database at this version's schema; None
        otherwise (memory, a new file, an outdated or unreadable schema), for `AsyncPlatform.open` to handle."""
        database = open_read_only(database_url)
        if database is None:
            return None
        if database.revision() != HEAD_REVISION:
            database.close()
            return None
        return cls(database)

    def close(self) -> None:
        self._database.close()

    async def tenants(self) -> list[Tenant]:
        return await self._admin.tenants()
