"""The base of the SQL repositories: `SqlRepository` over a `Statements`, and `keyed` for tenant-scoped lookups.

Every statement of a tenant-owned repository filters on `tenant_id`, the leading column of every key.
Statements on the request path are built once, with bound parameters.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, update

from promptsaas.adapters.persistence.sqlalchemy.statements import Statements


def keyed(table: Table, *columns: str) -> list[ColumnElement[bool]]:
    """`tenant_id = :tenant_id AND <column> = :<column> ...`, with bound parameters."""
    return [table.c.tenant_id == bindparam("tenant_id"), *(table.c[name] == bindparam(name) for name in columns)]


class SqlRepository:
    def __init__(self, db: Statements) -> None:
        self._db = db

    async def _update(self, table: Table, row: dict[str, Any], *key: str, conflict: tuple[str, str]) -> None:
        """Rewrite the non-key columns of the row with this tenant and key."""
        values = {name: value for name, value in row.items() if name != "tenant_id" and name not in key}
        where = [table.c.tenant_id == row["tenant_id"], *(table.c[name] == row[name] for name in key)]
        await self._db.write(update(table).where(*where).values(values), conflict=conflict)
