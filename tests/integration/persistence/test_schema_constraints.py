"""The constraints the domain relies on hold in the database itself, and a clash is a domain `AlreadyExists`."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from promptsaas.adapters.persistence.sqlalchemy import tables
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.errors import AlreadyExists
from promptsaas.domain.prompts import VersionStatus
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import NOON, agent, identity, tenant, user, version

Write = Callable[[UnitOfWork], Awaitable[None]]


async def committed(backend: Backend, write: Write) -> None:
    async with backend.uow() as uow:
        await write(uow)
        await uow.commit()


async def refused(backend: Backend, write: Write) -> str:
    with pytest.raises(AlreadyExists) as clash:
        await committed(backend, write)
    return clash.value.code


async def test_tenant_slugs_are_unique(sql: Backend) -> None:
    await committed(sql, lambda uow: uow.tenants.add(tenant("t1", "acme")))
    assert await refused(sql, lambda uow: uow.tenants.add(tenant("t2", "acme"))) == "tenant_exists"


async def test_agent_slugs_are_unique_per_tenant(sql: Backend) -> None:
    await committed(sql, lambda uow: uow.agents.add(agent("t1", "a1", "tutor")))
    await committed(sql, lambda uow: uow.agents.add(agent("t2", "a1", "tutor")))
    assert await refused(sql, lambda uow: uow.agents.add(agent("t1", "a2", "tutor"))) == "agent_exists"


async def test_version_numbers_are_unique_per_agent(sql: Backend) -> None:
    await committed(sql, lambda uow: uow.versions.add(version("t1", "a1", 1)))
    await committed(sql, lambda uow: uow.versions.add(version("t1", "a2", 1)))
    clash = replace(version("t1", "a1", 1), id="another id")
    assert await refused(sql, lambda uow: uow.versions.add(clash)) == "prompt_version_exists"


async def test_an_agent_has_at_most_one_active_version(sql: Backend) -> None:
    v1, v2, v3 = (version("t1", "a1", n, VersionStatus.ACTIVE if n == 1 else VersionStatus.DRAFT) for n in (1, 2, 3))

    async def add_all(uow: UnitOfWork) -> None:
        for v in (v1, v2, v3):
            await uow.versions.add(v)

    await committed(sql, add_all)
    assert await refused(sql, lambda uow: uow.versions.set_status(v2.activated(1))) == "active_version_exists"

    async def switch(uow: UnitOfWork) -> None:
        await uow.versions.set_status(v1.archived())
        await uow.versions.set_status(v2.activated(1))

    await committed(sql, switch)
    async with sql.uow() as uow:
        active = await uow.versions.get_active("t1", "a1")
    assert active is not None
    assert active.number == 2


async def test_emails_are_unique_per_tenant_and_optional(sql: Backend) -> None:
    async def add_users(uow: UnitOfWork) -> None:
        await uow.users.add(user("t1", "u1", "ann@example.com"))
        await uow.users.add(user("t2", "u1", "ann@example.com"))
        await uow.users.add(user("t1", "u2", None))
        await uow.users.add(user("t1", "u3", None))

    await committed(sql, add_users)
    assert await refused(sql, lambda uow: uow.users.add(user("t1", "u4", "ann@example.com"))) == "user_exists"


async def test_an_identity_leads_to_one_user(sql: Backend) -> None:
    await committed(sql, lambda uow: uow.identities.add(identity("t1", "u1", "42")))
    await committed(sql, lambda uow: uow.identities.add(identity("t2", "u1", "42")))
    assert await refused(sql, lambda uow: uow.identities.add(identity("t1", "u2", "42"))) == "identity_exists"


async def test_a_refused_write_leaves_nothing_of_its_unit_of_work(sql: Backend) -> None:
    await committed(sql, lambda uow: uow.tenants.add(tenant("t1", "acme")))

    async def two_writes(uow: UnitOfWork) -> None:
        await uow.tenants.add(tenant("t2", "globex"))
        await uow.tenants.add(tenant("t3", "acme"))

    await refused(sql, two_writes)
    async with sql.uow() as uow:
        assert [t.slug for t in await uow.tenants.list()] == ["acme"]


async def test_a_database_error_tells_the_statement_but_not_the_values_it_was_sent(sql: Backend) -> None:
    """What the API logs of an unforeseen database error (its traceback) shows no value a request wrote."""
    assert sql.database is not None
    row = {"id": "t1", "slug": "acme", "status": "active", "created_at": NOON, "name": "sk-live-not-for-the-logs"}
    async with sql.database.transaction() as tx:
        await tx.conn.execute(insert(tables.tenants).values(row))
    with pytest.raises(IntegrityError) as clash:
        async with sql.database.transaction() as tx:
            await tx.conn.execute(insert(tables.tenants).values({**row, "slug": "other"}))
    logged = "".join(traceback.format_exception(clash.value))
    assert "INSERT INTO tenants" in logged
    assert "sk-live-not-for-the-logs" not in logged
