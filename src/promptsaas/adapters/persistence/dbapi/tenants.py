"""The tenants repository's reads in plain SQL, mapped to the same `Tenant`s the SQLAlchemy repository returns (a
contract test holds both equal on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from promptsaas.adapters.persistence.dbapi.database import ReadOnly, ReadOnlyDatabase, utc
from promptsaas.application.ports.repositories import TenantRepository
from promptsaas.domain.tenants import SignupMode, Tenant, TenantStatus

_SELECT = "SELECT id, slug, name, created_at, status, default_plan_code, signup_mode, default_agent FROM tenants"


class DbapiTenants(TenantRepository):
    def __init__(self, database: ReadOnlyDatabase) -> None:
        self._db = database

    async def get(self, tenant_id: str) -> Tenant | None:
        return self._one(f"{_SELECT} WHERE id = ?", tenant_id)

    async def get_by_slug(self, slug: str) -> Tenant | None:
        return self._one(f"{_SELECT} WHERE slug = ?", slug)

    async def list(self) -> list[Tenant]:
        return [tenant_of(row) for row in self._db.rows(f"{_SELECT} ORDER BY slug")]

    async def add(self, tenant: Tenant) -> None:
        raise ReadOnly(f"cannot add tenant {tenant.slug}: this database was opened read-only")

    async def update(self, tenant: Tenant) -> None:
        raise ReadOnly(f"cannot update tenant {tenant.slug}: this database was opened read-only")

    def _one(self, sql: str, key: str) -> Tenant | None:
        rows = self._db.rows(sql, [key])
        return tenant_of(rows[0]) if rows else None


def tenant_of(row: tuple[Any, ...]) -> Tenant:
    tenant_id, slug, name, created_at, status, default_plan, signup_mode, default_agent = row
    return Tenant(
        tenant_id,
        slug,
        name,
        utc(created_at),
        TenantStatus(status),
        default_plan,
        SignupMode(signup_mode),
        default_agent,
    )
