"""`ReadOnlyPlatform`: `AsyncPlatform`'s reads on a database opened read-only, for one-shot processes.

A CLI read command answers in a fraction of the time a full platform takes to open: its reads are read ports
(`application.ports.tenant_reads`) answered by plain SQL on the database driver (`adapters.persistence.dbapi`), so
neither SQLAlchemy, Alembic, the container nor the services and domain modules a unit of work brings are imported.
Only an existing database at this version's schema is opened; anything else is left to `AsyncPlatform.open`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from promptsaas.adapters.persistence.dbapi.database import ReadOnlyDatabase, open_read_only
from promptsaas.adapters.persistence.dbapi.tenants import DbapiTenantReads
from promptsaas.adapters.persistence.schema_revision import HEAD_REVISION

if TYPE_CHECKING:
    from promptsaas.domain.tenants import Tenant


class Reads(Protocol):
    """The reads both platforms answer alike, so a command can run on either."""

    async def tenants(self) -> list[Tenant]: ...


class ReadOnlyPlatform(Reads):
    """Its reads never wait: a coroutine of theirs finishes at its first step, with or without an event loop."""

    def __init__(self, database: ReadOnlyDatabase) -> None:
        self._database = database
        self._tenants = DbapiTenantReads(database)

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
        return self._tenants.list()
