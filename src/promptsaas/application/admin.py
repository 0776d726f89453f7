"""Tenants, users, manual subscription grants and the audit log."""

from __future__ import annotations

from dataclasses import replace

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import tenant_by_slug, user_by_email, user_by_id
from promptsaas.application.paging import Key, Page, PageRequest, page_of, time_key
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.errors import AlreadyExists, LastAdmin, NotFound
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.tenants import Tenant, TenantStatus, check_slug
from promptsaas.domain.users import (
    Identity,
    IdentityProvider,
    Role,
    User,
    UserStatus,
    display_name_typed,
    normalize_email,
)

SYSTEM_ACTOR = "system"


def _by_period(subscription: Subscription) -> Key:
    return time_key(subscription.current_period_start, subscription.id)


class AdminService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, audit: AuditTrail) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._audit = audit

    async def create_tenant(self, slug: str, name: str, actor: str = SYSTEM_ACTOR) -> Tenant:
        check_slug(slug)
        async with self._uow() as uow:
            if await uow.tenants.get_by_slug(slug):
                raise AlreadyExists("tenant", slug)
            tenant = Tenant(self._ids.new_id(), slug, name or slug, self._clock.now())
            await uow.tenants.add(tenant)
            await self._audit.record(uow, tenant.id, actor, "tenant.create", slug, after=name)
            await uow.commit()
        return tenant

    async def tenant(self, slug: str) -> Tenant:
        async with self._uow() as uow:
            return await tenant_by_slug(uow, slug)

    async def tenant_by_id(self, tenant_id: str) -> Tenant:
        """The tenant a user or a mailed link names by id (a page then links to its slug)."""
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        return tenant

    async def tenants(self) -> list[Tenant]:
        async with self._uow() as uow:
            return await uow.tenants.list()

    async def set_tenant_status(self, slug: str, status: TenantStatus, actor: str = SYSTEM_ACTOR) -> Tenant:
        """Suspend or reactivate a tenant (audited); a suspended tenant's users cannot authenticate or call."""
        async with self._uow() as uow:
            tenant = await tenant_by_slug(uow, slug)
            if tenant.status is not status:
                before = tenant.status
                tenant = replace(tenant, status=status)
                await uow.tenants.update(tenant)
                action = "tenant.suspend" if status is TenantStatus.SUSPENDED else "tenant.reactivate"
                await self._audit.record(uow, tenant.id, actor, action, slug, before, status)
                await uow.commit()
        return tenant

    async def create_user(
        self,
        tenant_id: str,
        email: str | None,
        *,
        display_name: str = "",
        role: Role = Role.MEMBER,
        password_hash: str | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> User:
        async with self._uow() as uow:
            user = await self.add_user(uow, tenant_id, email, display_name, role, password_hash)
            await self._audit.record(uow, tenant_id, actor, "user.create", user.email or user.id, after=role)
            await uow.commit()
        return user

    async def add_user(
        self,
        uow: UnitOfWork,
        tenant_id: str,
        email: str | None,
        display_name: str,
        role: Role,
        password_hash: str | None,
    ) -> User:
        """Add a user (and its password identity) inside the caller's unit of work; `display_name` as typed (a
        provider's name is passed through `display_name_given` first)."""
        display_name = display_name_typed(display_name)
        email = normalize_email(email) if email else None
        if email and await uow.users.get_by_email(tenant_id, email):
            raise AlreadyExists("user", email)
        now = self._clock.now()
        name = display_name or (email.split("@")[0] if email else "")
        user = User(self._ids.new_id(), tenant_id, email, name, now, role, UserStatus.ACTIVE, password_hash)
        await uow.users.add(user)
        if email and password_hash:
            await uow.identities.add(Identity(tenant_id, IdentityProvider.PASSWORD, email, user.id, now))
        return user

    async def users(self, tenant_id: str) -> list[User]:
        async with self._uow() as uow:
            return await uow.users.list(tenant_id)

    async def users_page(self, tenant_id: str, page: PageRequest) -> Page[User]:
        """Oldest first, by (created_at, id)."""
        async with self._uow() as uow:
            rows = await uow.users.list(tenant_id, after=page.after_time(), limit=page.probe)
        return page_of(rows, page, lambda u: time_key(u.created_at, u.id))

    async def user(self, tenant_id: str, email: str) -> User:
        async with self._uow() as uow:
            return await user_by_email(uow, tenant_id, email)

    async def update_user(
        self,
        tenant_id: str,
        user_id: str,
        *,
        role: Role | None = None,
        status: UserStatus | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> User:
        """Change a user's role or status (audited); `LastAdmin` when that would leave no active admin."""
        async with self._uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
            before = f"role={user.role} status={user.status}"
            was_admin = user.role is Role.ADMIN and user.is_active
            user.role = role or user.role
            user.status = status or user.status
            if was_admin and not (user.role is Role.ADMIN and user.is_active):
                if not await uow.users.update_keeping_an_admin(user):
                    raise LastAdmin()
            else:
                await uow.users.update(user)
            after = f"role={user.role} status={user.status}"
            if after != before:
                await self._audit.record(uow, tenant_id, actor, "user.update", user.email or user.id, before, after)
            await uow.commit()
        return user

    async def subscriptions(self, tenant_id: str, user_email: str | None = None) -> list[Subscription]:
        async with self._uow() as uow:
            if user_email is None:
                return await uow.subscriptions.list(tenant_id)
            user = await user_by_email(uow, tenant_id, user_email)
            return await uow.subscriptions.list_for_user(tenant_id, user.id)

    async def subscriptions_page(
        self, tenant_id: str, page: PageRequest, user_email: str | None = None
    ) -> Page[Subscription]:
        """By (current_period_start, id); one user's (a handful) are paged after the read."""
        async with self._uow() as uow:
            if user_email is None:
                rows = await uow.subscriptions.list(tenant_id, after=page.after_time(), limit=page.probe)
                return page_of(rows, page, _by_period)
            user = await user_by_email(uow, tenant_id, user_email)
            mine = await uow.subscriptions.list_for_user(tenant_id, user.id)
        after = page.after_time()
        rest = [s for s in mine if after is None or (s.current_period_start, s.id) > after]
        return page_of(rest[: page.probe], page, _by_period)

    async def audit_page(self, tenant_id: str, page: PageRequest) -> Page[AuditEntry]:
        """Newest first; the cursor is the last entry's id."""
        async with self._uow() as uow:
            rows = await uow.audit.list(tenant_id, page.probe, before=page.after_text())
        return page_of(rows, page, lambda e: (e.id,))

    async def audit_log(self, tenant_id: str, limit: int = 50) -> list[AuditEntry]:
        async with self._uow() as uow:
            return await uow.audit.list(tenant_id, max(1, min(limit, 1000)))
