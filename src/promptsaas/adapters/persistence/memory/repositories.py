"""The base of the in-memory repositories: one store table and the unit of work's journal. Every read filters by
tenant first, as the SQL ones do.
"""

from __future__ import annotations

from typing import Any

from promptsaas.adapters.persistence.memory.store import Journal, Table


class _Repo:
    def __init__(self, table: Table, journal: Journal) -> None:
        self._table = table
        self._journal = journal

    def _of(self, tenant_id: str) -> list[Any]:
        return [row for row in self._table.values() if row.tenant_id == tenant_id]
