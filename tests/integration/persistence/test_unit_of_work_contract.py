"""A unit of work keeps what it commits and nothing else, on every backend."""

from __future__ import annotations

import pytest

from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import tenant


async def slugs(backend: Backend) -> list[str]:
    async with backend.uow() as uow:
        return [t.slug for t in await uow.tenants.list()]


async def test_committed_changes_persist(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.tenants.add(tenant("t1", "acme"))
        await uow.commit()
    assert await slugs(backend) == ["acme"]


async def test_leaving_without_commit_rolls_back(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.tenants.add(tenant("t1", "acme"))
    assert await slugs(backend) == []


async def test_an_error_inside_rolls_back(backend: Backend) -> None:
    async def failing_use_case() -> None:
        async with backend.uow() as uow:
            await uow.tenants.add(tenant("t1", "acme"))
            raise RuntimeError("the use case failed")

    with pytest.raises(RuntimeError):
        await failing_use_case()
    assert await slugs(backend) == []


async def test_rollback_discards_only_what_came_after_the_last_commit(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.tenants.add(tenant("t1", "acme"))
        await uow.commit()
        await uow.tenants.add(tenant("t2", "globex"))
        await uow.rollback()
        await uow.tenants.add(tenant("t3", "initech"))
        await uow.commit()
    assert await slugs(backend) == ["acme", "initech"]


async def test_a_unit_of_work_reads_its_own_writes(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.tenants.add(tenant("t1", "acme"))
        found = await uow.tenants.get_by_slug("acme")
    assert found is not None
    assert found.id == "t1"


async def test_after_commit_actions_run_on_commit_only(backend: Backend) -> None:
    ran: list[str] = []
    async with backend.uow() as uow:
        await uow.tenants.add(tenant("t1", "acme"))
        uow.after_commit(lambda: ran.append("acme"))
        assert ran == []
        await uow.commit()
        assert ran == ["acme"]
        await uow.tenants.add(tenant("t2", "globex"))
        uow.after_commit(lambda: ran.append("globex"))
        await uow.rollback()
        await uow.commit()
    async with backend.uow() as uow:
        await uow.tenants.add(tenant("t3", "initech"))
        uow.after_commit(lambda: ran.append("initech"))
    assert ran == ["acme"]
