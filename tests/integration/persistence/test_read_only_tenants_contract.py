"""The read-only path's tenant reads (plain SQL on the driver) answer exactly as the SQLAlchemy repository does, on
SQLite and PostgreSQL: the same `Tenant`s, field for field, time zones included; and its connection writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from promptsaas.adapters.persistence.dbapi.database import ReadOnlyDatabase, open_read_only
from promptsaas.adapters.persistence.dbapi.tenants import DbapiTenantReads
from promptsaas.domain.tenants import SignupMode, TenantStatus
from tests.integration.persistence.conftest import SQL_BACKENDS, sql_backend
from tests.integration.persistence.entities import NOON, tenant


@pytest.fixture(params=SQL_BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    found: str = request.getfixturevalue(f"migrated_{request.param}_url")
    return found


@pytest.fixture
def read_only(url: str) -> Iterator[ReadOnlyDatabase]:
    database = open_read_only(url)
    assert database is not None
    yield database
    database.close()


async def test_tenant_list_equals_the_sql_repository(url: str, read_only: ReadOnlyDatabase) -> None:
    written = [
        tenant("t1", "zeta"),
        replace(tenant("t2", "acme"), status=TenantStatus.SUSPENDED, default_plan_code=None),
        replace(tenant("t3", "m-9"), signup_mode=SignupMode.INVITE, default_agent="tutor"),
        replace(tenant("t4", "b"), created_at=NOON.replace(microsecond=0) + timedelta(days=400)),
    ]
    backend = sql_backend("sql", url)
    try:
        async with backend.uow() as uow:
            for each in written:
                await uow.tenants.add(each)
            await uow.commit()
        async with backend.uow() as uow:
            expected = await uow.tenants.list()
    finally:
        assert backend.database is not None
        await backend.database.dispose()

    assert [t.slug for t in expected] == ["acme", "b", "m-9", "zeta"]
    assert repr(DbapiTenantReads(read_only).list()) == repr(expected)  # repr: time zones too, not only instants


async def test_the_connection_itself_refuses_writes(read_only: ReadOnlyDatabase) -> None:
    assert read_only.revision() is not None
    with pytest.raises(read_only.errors, match=r"read-?only"):
        read_only.rows("DELETE FROM tenants")
    read_only.end()
    assert read_only.rows("SELECT count(*) FROM tenants") == [(0,)]
