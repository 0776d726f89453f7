"""In-memory tenants, users and their sign-in identities; every read filters by tenant first, as the SQL ones do."""

from __future__ import annotations

from datetime import datetime

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.application.ports import accounts as ports
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import Identity, IdentityProvider, Role, User


class MemoryTenants(_Repo, ports.TenantRepository):
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


class MemoryUsers(_Repo, ports.UserRepository):
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


class MemoryIdentities(_Repo, ports.IdentityRepository):
    async def get(self, tenant_id: str, provider: IdentityProvider, subject: str) -> Identity | None:
        return self._table.get((tenant_id, provider, subject))  # type: ignore[no-any-return]

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Identity]:
        return [i for i in self._of(tenant_id) if i.user_id == user_id]

    async def add(self, identity: Identity) -> None:
        self._table.put(self._journal, (identity.tenant_id, identity.provider, identity.subject), identity)
