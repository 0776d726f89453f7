"""In-memory repositories. Every read filters by tenant first, as the SQL ones do."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.store import Journal, Table
from promptsaas.application.ports import accounts, catalog, plans
from promptsaas.application.ports import repositories as ports
from promptsaas.application.ports.repositories import DenialCount, UsageQuery, UsageRow
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.conversations import Conversation, Message
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Plan
from promptsaas.domain.prompts import PromptVersion, VersionStatus
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.usage import Denial, Outcome, UsageRecord
from promptsaas.domain.users import Identity, IdentityProvider, Role, User


class _Repo:
    def __init__(self, table: Table, journal: Journal) -> None:
        self._table = table
        self._journal = journal

    def _of(self, tenant_id: str) -> list[Any]:
        return [row for row in self._table.values() if row.tenant_id == tenant_id]


class MemoryTenants(_Repo, accounts.TenantRepository):
    async def get(self, tenant_id: str) -> Tenant | None:
        return self._table.get(tenant_id)  # type: ignore[no-any-return]

    async def get_by_slug(self, slug: str) -> Tenant | None:
        return next((t for t in self._table.values() if t.slug == slug), None)

    async def list(self) -> list[Tenant]:
        return sorted(self._table.values(), key=lambda t: t.slug)

    async def add(self, tenant: Tenant) -> None:
        self._table.put(self._journal, tenant.id, tenant)

    async def update(self, tenant: Tenant) -> None:
        self._table.put(self._journal, tenant.id, tenant)


class MemoryUsers(_Repo, accounts.UserRepository):
    async def get(self, tenant_id: str, user_id: str) -> User | None:
        return self._table.get((tenant_id, user_id))  # type: ignore[no-any-return]

    async def get_by_email(self, tenant_id: str, email: str) -> User | None:
        return next((u for u in self._of(tenant_id) if u.email == email), None)

    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[User]:
        return window(self._of(tenant_id), lambda u: (u.created_at, u.id), after, limit)

    async def add(self, user: User) -> None:
        self._table.put(self._journal, (user.tenant_id, user.id), user)

    update = add

    async def update_keeping_an_admin(self, user: User) -> bool:
        others = (u for u in self._of(user.tenant_id) if u.id != user.id)
        if not any(u.role is Role.ADMIN and u.is_active for u in others):
            return False
        await self.update(user)
        return True


class MemoryIdentities(_Repo, accounts.IdentityRepository):
    async def get(self, tenant_id: str, provider: IdentityProvider, subject: str) -> Identity | None:
        return self._table.get((tenant_id, provider, subject))  # type: ignore[no-any-return]

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Identity]:
        return [i for i in self._of(tenant_id) if i.user_id == user_id]

    async def add(self, identity: Identity) -> None:
        self._table.put(self._journal, (identity.tenant_id, identity.provider, identity.subject), identity)


class MemoryAgents(_Repo, catalog.AgentRepository):
    def __init__(self, table: Table, journal: Journal, versions: MemoryVersions) -> None:
        super().__init__(table, journal)
        self._versions = versions

    async def get(self, tenant_id: str, agent_id: str) -> Agent | None:
        return self._table.get((tenant_id, agent_id))  # type: ignore[no-any-return]

    async def get_by_slug(self, tenant_id: str, slug: str) -> Agent | None:
        return next((a for a in self._of(tenant_id) if a.slug == slug), None)

    async def with_active_versions(
        self, tenant_id: str, *, published_only: bool, after: str | None = None, limit: int | None = None
    ) -> list[tuple[Agent, PromptVersion | None]]:
        agents = [a for a in self._of(tenant_id) if not published_only or a.status is AgentStatus.PUBLISHED]
        page = window(agents, lambda a: a.slug, after, limit)
        return [(a, await self._versions.get_active(tenant_id, a.id)) for a in page]

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Agent]:
        return window(self._of(tenant_id), lambda a: a.slug, after, limit)

    async def add(self, agent: Agent) -> None:
        self._table.put(self._journal, (agent.tenant_id, agent.id), agent)

    async def add_many(self, agents: Sequence[Agent]) -> None:
        for agent in agents:
            await self.add(agent)

    update = add


class MemoryVersions(_Repo, catalog.PromptVersionRepository):
    async def get(self, tenant_id: str, agent_id: str, number: int) -> PromptVersion | None:
        return self._table.get((tenant_id, agent_id, number))  # type: ignore[no-any-return]

    async def get_active(self, tenant_id: str, agent_id: str) -> PromptVersion | None:
        versions = await self.list(tenant_id, agent_id)
        return next((v for v in versions if v.status is VersionStatus.ACTIVE), None)

    async def list(
        self, tenant_id: str, agent_id: str, after: int | None = None, limit: int | None = None
    ) -> list[PromptVersion]:
        return window((v for v in self._of(tenant_id) if v.agent_id == agent_id), lambda v: v.number, after, limit)

    async def add(self, version: PromptVersion) -> None:
        self._table.put(self._journal, (version.tenant_id, version.agent_id, version.number), version)

    async def add_many(self, versions: Sequence[PromptVersion]) -> None:
        for version in versions:
            await self.add(version)

    set_status = add


class MemoryPlans(_Repo, plans.PlanRepository):
    async def get_by_code(self, tenant_id: str, code: str) -> Plan | None:
        return self._table.get((tenant_id, code))  # type: ignore[no-any-return]

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Plan]:
        return window(self._of(tenant_id), lambda p: p.code, after, limit)

    async def add(self, plan: Plan) -> None:
        self._table.put(self._journal, (plan.tenant_id, plan.code), plan)

    update = add


class MemorySubscriptions(_Repo, plans.SubscriptionRepository):
    async def get(self, tenant_id: str, subscription_id: str) -> Subscription | None:
        return self._table.get((tenant_id, subscription_id))  # type: ignore[no-any-return]

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Subscription]:
        return [s for s in await self.list(tenant_id) if s.user_id == user_id]

    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Subscription]:
        return window(self._of(tenant_id), lambda s: (s.current_period_start, s.id), after, limit)

    async def add(self, subscription: Subscription) -> None:
        self._table.put(self._journal, (subscription.tenant_id, subscription.id), subscription)

    update = add


class MemoryModels(_Repo, catalog.ModelRepository):
    async def list(self, tenant_id: str) -> list[ModelSpec]:
        return [m for (tid, _), m in sorted(self._table.rows.items()) if tid == tenant_id]

    async def put(self, tenant_id: str, model: ModelSpec) -> None:
        self._table.put(self._journal, (tenant_id, model.id), model)


class MemoryConversations(_Repo, ports.ConversationRepository):
    def __init__(self, table: Table, messages: Table, journal: Journal) -> None:
        super().__init__(table, journal)
        self._messages = messages

    async def get(self, tenant_id: str, conversation_id: str) -> Conversation | None:
        return self._table.get((tenant_id, conversation_id))  # type: ignore[no-any-return]

    async def list_for_user(
        self, tenant_id: str, user_id: str, before: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Conversation]:
        mine = [c for c in self._of(tenant_id) if c.user_id == user_id]
        return window(mine, lambda c: (c.updated_at, c.id), before, limit, descending=True)

    async def delete(self, tenant_id: str, conversation_id: str) -> None:
        for message in self._messages_of(tenant_id, conversation_id):
            self._messages.delete(self._journal, (tenant_id, message.id))
        self._table.delete(self._journal, (tenant_id, conversation_id))

    async def recent_messages(self, tenant_id: str, conversation_id: str, limit: int) -> list[Message]:
        return self._messages_of(tenant_id, conversation_id)[-limit:] if limit > 0 else []

    async def purge_messages(
        self, tenant_id: str, user_ids: Sequence[str], before: datetime, *, dry_run: bool = False
    ) -> int:
        owners = {c.id for c in self._of(tenant_id) if c.user_id in set(user_ids)}
        old = [
            m
            for m in self._messages.values()
            if m.tenant_id == tenant_id and m.conversation_id in owners and m.created_at < before
        ]
        if not dry_run:
            for message in old:
                self._messages.delete(self._journal, (tenant_id, message.id))
        return len(old)

    def _messages_of(self, tenant_id: str, conversation_id: str) -> list[Message]:
        return [m for m in self._messages.values() if m.tenant_id == tenant_id and m.conversation_id == conversation_id]


class MemoryUsage(_Repo, ports.UsageRepository):
    def __init__(self, table: Table, journal: Journal, denials: Table) -> None:
        super().__init__(table, journal)
        self._denials = denials

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
            )
            for key, rows in sorted(groups.items())
        ]


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
