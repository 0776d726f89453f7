"""In-memory usage records, denials and audit entries: append-only, summarized the way the SQL ones are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.adapters.persistence.memory.store import Journal, Table
from promptsaas.application.ports import repositories as ports
from promptsaas.application.ports.repositories import DenialCount, UsageQuery, UsageRow
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.usage import Denial, Outcome, UsageRecord


class MemoryUsage(_Repo, ports.UsageRepository):
    def __init__(self, table: Table, journal: Journal, denials: Table, users: Table) -> None:
        super().__init__(table, journal)
        self._denials = denials
        self._users = users

    async def add_denial(self, denial: Denial) -> None:
        self._denials.put(self._journal, (denial.tenant_id, denial.id), denial)

    async def denials_per_day(self, tenant_id: str, since: datetime) -> list[DenialCount]:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for d in self._denials.values():
            if d.tenant_id == tenant_id and d.created_at >= since:
                counts[(d.created_at.date().isoformat(), d.code)] += 1
        return [DenialCount(day, code, n) for (day, code), n in sorted(counts.items())]

    async def records(self, tenant_id: str, since: datetime | None = None) -> list[UsageRecord]:
        return [r for r in self._of(tenant_id) if since is None or r.created_at >= since]

    async def records_of_request(self, tenant_id: str, request_id: str) -> list[UsageRecord]:
        return [r for r in self._of(tenant_id) if r.request_id == request_id]

    async def summarize(self, query: UsageQuery) -> list[UsageRow]:
        groups: dict[str, list[UsageRecord]] = defaultdict(list)
        for r in await self.records(query.tenant_id, query.since):
            if (query.until and r.created_at >= query.until) or (query.user_id and r.user_id != query.user_id):
                continue
            groups[group_key(r, query.group_by)].append(r)
        return [
            UsageRow(
                key,
                len(rows),
                sum(r.input_tokens for r in rows),
                sum(r.output_tokens for r in rows),
                sum(r.cost_micros for r in rows),
                sum(1 for r in rows if r.outcome is Outcome.ERROR),
                self._email(query.tenant_id, key) if query.group_by == "user" else None,
            )
            for key, rows in sorted(groups.items())
        ]

    def _email(self, tenant_id: str, user_id: str) -> str | None:
        user = self._users.get((tenant_id, user_id))
        return user.email if user else None


def group_key(record: UsageRecord, group_by: str) -> str:
    match group_by:
        case "user":
            return record.user_id
        case "plan":
            return record.plan_code or f"byok:{record.funding}"
        case "day":
            return record.created_at.date().isoformat()
        case "model":
            return record.model
        case _:
            return record.agent_slug


class MemoryAudit(_Repo, ports.AuditRepository):
    async def add(self, entry: AuditEntry) -> None:
        self._table.put(self._journal, (entry.tenant_id, entry.id), entry)

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            await self.add(entry)

    async def list(self, tenant_id: str, limit: int = 50, before: str | None = None) -> list[AuditEntry]:
        newest = list(reversed(self._of(tenant_id)))
        ids = [e.id for e in newest]
        start = ids.index(before) + 1 if before in ids else (len(ids) if before is not None else 0)
        return newest[start : start + limit]
