"""SQL tenants, users and their sign-in identities. Every statement of a tenant-owned repository filters on
`tenant_id`; `update_keeping_an_admin` locks the tenant's row, then updates only while another active admin remains.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, insert, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as a
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.application.ports import accounts as ports
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import Identity, IdentityProvider, Role, User, UserStatus

_TENANT = select(t.tenants).where(t.tenants.c.id == bindparam("id"))
_TENANT_BY_SLUG = select(t.tenants).where(t.tenants.c.slug == bindparam("slug"))


class SqlTenants(SqlRepository, ports.TenantRepository):
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


class SqlUsers(SqlRepository, ports.UserRepository):
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


class SqlIdentities(SqlRepository, ports.IdentityRepository):
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
