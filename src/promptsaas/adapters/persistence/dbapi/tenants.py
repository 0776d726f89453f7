"""`TenantReads` in plain SQL, its rows mapped to the same `Tenant`s the SQLAlchemy repository returns (a contract
test holds both equal on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from promptsaas.adapters.persistence.dbapi.database import ReadOnlyDatabase, utc
from promptsaas.application.ports.tenant_reads import TenantReads
from promptsaas.domain.tenants import SignupMode, Tenant, TenantStatus

_TENANTS = (
    "SELECT id, slug, name, created_at, status, default_plan_code, signup_mode, default_agent FROM tenants"
    " ORDER BY slug"
)


class DbapiTenantReads(TenantReads):
    def __init__(self, database: ReadOnlyDatabase) -> None:
        self._db = database

    def list(self) -> list[Tenant]:
        try:
            return [tenant_of(row) for row in self._db.rows(_TENANTS)]
        finally:
            self._db.end()


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
