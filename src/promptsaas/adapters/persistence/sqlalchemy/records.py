"""SQL usage records and audit entries: append-only, read back in the order they were written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, bindparam, case, cast, func, insert, literal, select

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.mapping import activity as m
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.application.ports import repositories as ports
from promptsaas.application.ports.repositories import DenialCount, UsageQuery, UsageRow
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.usage import Denial, Outcome, UsageRecord

_usage = t.usage_records
_users = t.users
_OWNER = (_users.c.tenant_id == _usage.c.tenant_id) & (_users.c.id == _usage.c.user_id)
_denials = t.denials
_ADD_DENIAL = insert(_denials).inline()
_DENIAL_COLUMNS = ("id", "tenant_id", "user_id", "agent_slug", "code", "created_at")


class SqlUsage(SqlRepository, ports.UsageRepository):
    async def records(self, tenant_id: str, since: datetime | None = None) -> list[UsageRecord]:
        query = select(_usage).where(_usage.c.tenant_id == tenant_id).order_by(_usage.c.seq)
        if since is not None:
            query = query.where(_usage.c.created_at >= since)
        return [m.usage_of(r) for r in await self._db.rows(query)]

    async def records_of_request(self, tenant_id: str, request_id: str) -> list[UsageRecord]:
        query = select(_usage).where(_usage.c.tenant_id == tenant_id, _usage.c.request_id == request_id)
        return [m.usage_of(r) for r in await self._db.rows(query.order_by(_usage.c.seq))]

    async def summarize(self, query: UsageQuery) -> list[UsageRow]:
        key = self._group_key(query.group_by).label("key")
        errors = case((_usage.c.outcome == Outcome.ERROR.value, 1), else_=0)
        by_user = query.group_by == "user"
        email = func.max(_users.c.email) if by_user else literal(None, String)
        statement = (
            select(
                key,
                func.count().label("requests"),
                func.sum(_usage.c.input_tokens).label("input_tokens"),
                func.sum(_usage.c.output_tokens).label("output_tokens"),
                func.sum(_usage.c.cost_micros).label("cost_micros"),
                func.sum(errors).label("errors"),
                email.label("email"),
            )
            .select_from(_usage.outerjoin(_users, _OWNER) if by_user else _usage)
            .where(_usage.c.tenant_id == query.tenant_id)
            .group_by(key)
            .order_by(key)
        )
        if query.since is not None:
            statement = statement.where(_usage.c.created_at >= query.since)
        if query.until is not None:
            statement = statement.where(_usage.c.created_at < query.until)
        if query.user_id:
            statement = statement.where(_usage.c.user_id == query.user_id)
        return [
            UsageRow(
                r["key"],
                int(r["requests"]),
                int(r["input_tokens"]),
                int(r["output_tokens"]),
                int(r["cost_micros"]),
                int(r["errors"]),
                r["email"],
            )
            for r in await self._db.rows(statement)
        ]

    async def add_denial(self, denial: Denial) -> None:
        row = {name: getattr(denial, name) for name in _DENIAL_COLUMNS}
        await self._db.write(_ADD_DENIAL, {**row, "channel": denial.channel.value}, conflict=("denial", denial.id))

    async def denials_per_day(self, tenant_id: str, since: datetime) -> list[DenialCount]:
        day = self._day(_denials.c.created_at).label("day")
        statement = (
            select(day, _denials.c.code, func.count().label("count"))
            .where(_denials.c.tenant_id == tenant_id, _denials.c.created_at >= since)
            .group_by(day, _denials.c.code)
            .order_by(day, _denials.c.code)
        )
        return [DenialCount(r["day"], r["code"], int(r["count"])) for r in await self._db.rows(statement)]

    def _day(self, column: ColumnElement[datetime]) -> ColumnElement[str]:
        if self._db.dialect == "sqlite":
            return func.substr(column, 1, 10, type_=String)
        return cast(func.date(func.timezone("UTC", column)), String)

    def _group_key(self, group_by: str) -> ColumnElement[str]:
        match group_by:
            case "agent":
                return _usage.c.agent_slug
            case "user":
                return _usage.c.user_id
            case "model":
                return _usage.c.model
            case "plan":
                return func.coalesce(func.nullif(_usage.c.plan_code, ""), literal("byok:") + _usage.c.funding)
            case "day":
                return self._day(_usage.c.created_at)
        raise InvalidInput(f"cannot group usage by {group_by!r}", field="group_by")


_SEQ_OF = select(t.audit_entries.c.seq).where(
    t.audit_entries.c.tenant_id == bindparam("tenant_id"), t.audit_entries.c.id == bindparam("before")
)
_AUDIT = select(t.audit_entries).where(*keyed(t.audit_entries)).order_by(t.audit_entries.c.seq.desc())


class SqlAudit(SqlRepository, ports.AuditRepository):
    async def add(self, entry: AuditEntry) -> None:
        await self._db.write(insert(t.audit_entries), m.audit_row(entry), conflict=("audit_entry", entry.id))

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        await self._db.write(insert(t.audit_entries), [m.audit_row(e) for e in entries], conflict=("audit_entry", ""))

    async def list(self, tenant_id: str, limit: int = 50, before: str | None = None) -> list[AuditEntry]:
        statement = _AUDIT.limit(limit)
        if before is not None:
            statement = statement.where(t.audit_entries.c.seq < _SEQ_OF.scalar_subquery())
        params = {"tenant_id": tenant_id, "before": before}
        return [m.audit_of(r) for r in await self._db.rows(statement, params)]
