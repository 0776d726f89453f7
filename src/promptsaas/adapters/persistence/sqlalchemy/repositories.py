"""SQL repositories for tenants, users, identities, the catalog, plans and subscriptions.

Every statement of a tenant-owned repository filters on `tenant_id`, the leading column of every key.
Statements on the request path are built once, with bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, exists, insert, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as a
from promptsaas.adapters.persistence.sqlalchemy.mapping import catalog as c
from promptsaas.adapters.persistence.sqlalchemy.statements import Statements
from promptsaas.application.ports import accounts, catalog, plans
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Plan
from promptsaas.domain.prompts import PromptVersion, VersionStatus
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import Identity, IdentityProvider, Role, User, UserStatus


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


_TENANT = select(t.tenants).where(t.tenants.c.id == bindparam("id"))
_TENANT_BY_SLUG = select(t.tenants).where(t.tenants.c.slug == bindparam("slug"))


class SqlTenants(SqlRepository, accounts.TenantRepository):
    async def get(self, tenant_id: str) -> Tenant | None:
        row = await self._db.row(_TENANT, {"id": tenant_id})
        return a.tenant_of(row) if row else None

    async def get_by_slug(self, slug: str) -> Tenant | None:
        row = await self._db.row(_TENANT_BY_SLUG, {"slug": slug})
        return a.tenant_of(row) if row else None

    async def list(self) -> list[Tenant]:
        return [a.tenant_of(r) for r in await self._db.rows(select(t.tenants).order_by(t.tenants.c.slug))]

    async def add(self, tenant: Tenant) -> None:
        await self._db.write(insert(t.tenants), a.tenant_row(tenant), conflict=("tenant", tenant.slug))

    async def update(self, tenant: Tenant) -> None:
        row = a.tenant_row(tenant)
        values = {k: v for k, v in row.items() if k != "id"}
        statement = update(t.tenants).where(t.tenants.c.id == tenant.id).values(values)
        await self._db.write(statement, conflict=("tenant", tenant.slug))


_USER = select(t.users).where(*keyed(t.users, "id"))
_USER_BY_EMAIL = select(t.users).where(*keyed(t.users, "email"))
_USERS = select(t.users).where(*keyed(t.users)).order_by(t.users.c.created_at, t.users.c.id)
_TENANT_LOCK = select(t.tenants.c.id).where(t.tenants.c.id == bindparam("id")).with_for_update()


class SqlUsers(SqlRepository, accounts.UserRepository):
    async def get(self, tenant_id: str, user_id: str) -> User | None:
        row = await self._db.row(_USER, {"tenant_id": tenant_id, "id": user_id})
        return a.user_of(row) if row else None

    async def get_by_email(self, tenant_id: str, email: str) -> User | None:
        row = await self._db.row(_USER_BY_EMAIL, {"tenant_id": tenant_id, "email": email})
        return a.user_of(row) if row else None

    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[User]:
        statement = window(_USERS, (t.users.c.created_at, t.users.c.id), after, limit)
        return [a.user_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, user: User) -> None:
        await self._db.write(insert(t.users), a.user_row(user), conflict=("user", user.email or user.id))

    async def update(self, user: User) -> None:
        await self._update(t.users, a.user_row(user), "id", conflict=("user", user.email or user.id))

    async def update_keeping_an_admin(self, user: User) -> bool:
        """The tenant's row is locked first (PostgreSQL; SQLite's write transaction is exclusive), so the check of
        the other admins in the UPDATE sees every change committed before it."""
        await self._db.transaction.begin()
        await self._db.row(_TENANT_LOCK, {"id": user.tenant_id})
        values = {name: value for name, value in a.user_row(user).items() if name not in ("tenant_id", "id")}
        other = t.users.alias("other")
        another_admin = exists(
            select(other.c.id).where(
                other.c.tenant_id == user.tenant_id,
                other.c.id != user.id,
                other.c.role == Role.ADMIN.value,
                other.c.status == UserStatus.ACTIVE.value,
            )
        )
        users = t.users.c
        statement = update(t.users).where(users.tenant_id == user.tenant_id, users.id == user.id, another_admin)
        return await self._db.write(statement.values(values), conflict=("user", user.email or user.id)) == 1


_IDENTITY = select(t.identities).where(*keyed(t.identities, "provider", "subject"))
_IDENTITIES_OF = select(t.identities).where(*keyed(t.identities, "user_id")).order_by(t.identities.c.created_at)


class SqlIdentities(SqlRepository, accounts.IdentityRepository):
    async def get(self, tenant_id: str, provider: IdentityProvider, subject: str) -> Identity | None:
        params = {"tenant_id": tenant_id, "provider": provider.value, "subject": subject}
        row = await self._db.row(_IDENTITY, params)
        return a.identity_of(row) if row else None

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Identity]:
        rows = await self._db.rows(_IDENTITIES_OF, {"tenant_id": tenant_id, "user_id": user_id})
        return [a.identity_of(r) for r in rows]

    async def add(self, identity: Identity) -> None:
        key = f"{identity.provider}:{identity.subject}"
        await self._db.write(insert(t.identities), a.identity_row(identity), conflict=("identity", key))


_AGENT = select(t.agents).where(*keyed(t.agents, "id"))
_AGENT_BY_SLUG = select(t.agents).where(*keyed(t.agents, "slug"))
_AGENTS = select(t.agents).where(*keyed(t.agents)).order_by(t.agents.c.slug)
_PUBLISHED_AGENTS = _AGENTS.where(t.agents.c.status == AgentStatus.PUBLISHED.value)
_ACTIVE_VERSIONS = select(t.prompt_versions).where(
    *keyed(t.prompt_versions), t.prompt_versions.c.status == VersionStatus.ACTIVE.value
)


class SqlAgents(SqlRepository, catalog.AgentRepository):
    async def get(self, tenant_id: str, agent_id: str) -> Agent | None:
        row = await self._db.row(_AGENT, {"tenant_id": tenant_id, "id": agent_id})
        return c.agent_of(row) if row else None

    async def get_by_slug(self, tenant_id: str, slug: str) -> Agent | None:
        row = await self._db.row(_AGENT_BY_SLUG, {"tenant_id": tenant_id, "slug": slug})
        return c.agent_of(row) if row else None

    async def with_active_versions(
        self, tenant_id: str, *, published_only: bool, after: str | None = None, limit: int | None = None
    ) -> list[tuple[Agent, PromptVersion | None]]:
        """Two statements: the page of agents, then the active versions of exactly those agents."""
        agents = _PUBLISHED_AGENTS if published_only else _AGENTS
        page = window(agents, (t.agents.c.slug,), (after,) if after is not None else None, limit)
        params = {"tenant_id": tenant_id}
        rows = [c.agent_of(r) for r in await self._db.rows(page, params)]
        if not rows:
            return []
        versions = _ACTIVE_VERSIONS.where(t.prompt_versions.c.agent_id.in_(page.with_only_columns(t.agents.c.id)))
        active = {v.agent_id: v for v in (c.version_of(r) for r in await self._db.rows(versions, params))}
        return [(agent, active.get(agent.id)) for agent in rows]

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Agent]:
        statement = window(_AGENTS, (t.agents.c.slug,), (after,) if after is not None else None, limit)
        return [c.agent_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, agent: Agent) -> None:
        await self._db.write(insert(t.agents), c.agent_row(agent), conflict=("agent", agent.slug))

    async def add_many(self, agents: Sequence[Agent]) -> None:
        conflict = ("agent", ", ".join(a.slug for a in agents[:3]))
        await self._db.write(insert(t.agents), [c.agent_row(a) for a in agents], conflict=conflict)

    async def update(self, agent: Agent) -> None:
        await self._update(t.agents, c.agent_row(agent), "id", conflict=("agent", agent.slug))


_VERSION = select(t.prompt_versions).where(*keyed(t.prompt_versions, "agent_id", "number"))
_ACTIVE_VERSION = select(t.prompt_versions).where(
    *keyed(t.prompt_versions, "agent_id"), t.prompt_versions.c.status == VersionStatus.ACTIVE.value
)
_VERSIONS = select(t.prompt_versions).where(*keyed(t.prompt_versions, "agent_id")).order_by(t.prompt_versions.c.number)


class SqlVersions(SqlRepository, catalog.PromptVersionRepository):
    async def get(self, tenant_id: str, agent_id: str, number: int) -> PromptVersion | None:
        row = await self._db.row(_VERSION, {"tenant_id": tenant_id, "agent_id": agent_id, "number": number})
        return c.version_of(row) if row else None

    async def get_active(self, tenant_id: str, agent_id: str) -> PromptVersion | None:
        row = await self._db.row(_ACTIVE_VERSION, {"tenant_id": tenant_id, "agent_id": agent_id})
        return c.version_of(row) if row else None

    async def list(
        self, tenant_id: str, agent_id: str, after: int | None = None, limit: int | None = None
    ) -> list[PromptVersion]:
        key = (after,) if after is not None else None
        statement = window(_VERSIONS, (t.prompt_versions.c.number,), key, limit)
        return [c.version_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id, "agent_id": agent_id})]

    async def add(self, version: PromptVersion) -> None:
        conflict = ("prompt_version", f"{version.agent_id}@v{version.number}")
        await self._db.write(insert(t.prompt_versions), c.version_row(version), conflict=conflict)

    async def add_many(self, versions: Sequence[PromptVersion]) -> None:
        conflict = ("prompt_version", ", ".join(f"{v.agent_id}@v{v.number}" for v in versions[:3]))
        await self._db.write(insert(t.prompt_versions), [c.version_row(v) for v in versions], conflict=conflict)

    async def set_status(self, version: PromptVersion) -> None:
        table = t.prompt_versions
        statement = (
            update(table)
            .where(table.c.tenant_id == version.tenant_id, table.c.id == version.id)
            .values(status=version.status.value, activated_from=version.activated_from)
        )
        await self._db.write(statement, conflict=("active_version", version.agent_id))


_PLAN = select(t.plans).where(*keyed(t.plans, "code"))
_PLANS = select(t.plans).where(*keyed(t.plans)).order_by(t.plans.c.code)


class SqlPlans(SqlRepository, plans.PlanRepository):
    async def get_by_code(self, tenant_id: str, code: str) -> Plan | None:
        row = await self._db.row(_PLAN, {"tenant_id": tenant_id, "code": code})
        return c.plan_of(row) if row else None

    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Plan]:
        statement = window(_PLANS, (t.plans.c.code,), (after,) if after is not None else None, limit)
        return [c.plan_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, plan: Plan) -> None:
        await self._db.write(insert(t.plans), c.plan_row(plan), conflict=("plan", plan.code))

    async def update(self, plan: Plan) -> None:
        await self._update(t.plans, c.plan_row(plan), "code", conflict=("plan", plan.code))


_SUBSCRIPTION = select(t.subscriptions).where(*keyed(t.subscriptions, "id"))
_SUBSCRIPTION_ORDER = (t.subscriptions.c.current_period_start, t.subscriptions.c.id)
_SUBSCRIPTIONS = select(t.subscriptions).where(*keyed(t.subscriptions)).order_by(*_SUBSCRIPTION_ORDER)
_SUBSCRIPTIONS_OF = select(t.subscriptions).where(*keyed(t.subscriptions, "user_id")).order_by(*_SUBSCRIPTION_ORDER)


class SqlSubscriptions(SqlRepository, plans.SubscriptionRepository):
    async def get(self, tenant_id: str, subscription_id: str) -> Subscription | None:
        row = await self._db.row(_SUBSCRIPTION, {"tenant_id": tenant_id, "id": subscription_id})
        return a.subscription_of(row) if row else None

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Subscription]:
        rows = await self._db.rows(_SUBSCRIPTIONS_OF, {"tenant_id": tenant_id, "user_id": user_id})
        return [a.subscription_of(r) for r in rows]

    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Subscription]:
        statement = window(_SUBSCRIPTIONS, _SUBSCRIPTION_ORDER, after, limit)
        return [a.subscription_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id})]

    async def add(self, subscription: Subscription) -> None:
        row = a.subscription_row(subscription)
        await self._db.write(insert(t.subscriptions), row, conflict=("subscription", subscription.id))

    async def update(self, subscription: Subscription) -> None:
        row = a.subscription_row(subscription)
        await self._update(t.subscriptions, row, "id", conflict=("subscription", subscription.id))


_MODELS = select(t.tenant_models).where(*keyed(t.tenant_models)).order_by(t.tenant_models.c.model_id)


class SqlModels(SqlRepository, catalog.ModelRepository):
    async def list(self, tenant_id: str) -> list[ModelSpec]:
        return [c.model_of(r) for r in await self._db.rows(_MODELS, {"tenant_id": tenant_id})]

    async def put(self, tenant_id: str, model: ModelSpec) -> None:
        row = c.model_row(tenant_id, model)
        exists = await self._db.rows(
            select(t.tenant_models.c.model_id).where(*keyed(t.tenant_models, "model_id")),
            {"tenant_id": tenant_id, "model_id": model.id},
        )
        if exists:
            await self._update(t.tenant_models, row, "model_id", conflict=("model", model.id))
        else:
            await self._db.write(insert(t.tenant_models), row, conflict=("model", model.id))
