"""Two admins demoting (or disabling) each other at the same moment: one wins, the other gets `last_admin`, and the
tenant keeps exactly one active admin, on every backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest

from promptsaas.adapters.clock import SystemClock, UuidV7Generator
from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import LastAdmin
from promptsaas.domain.users import Role, UserStatus
from tests.integration.persistence.conftest import Backend

READ_LATENCY = 0.05
"""How long each read of a user takes here, as on a busy database: long enough for two changes to overlap."""
ROUNDS = 5


class SlowUserReads:
    """The unit of work's real user repository, each read answered a little late."""

    def __init__(self, users: Any) -> None:
        self._users = users

    def __getattr__(self, name: str) -> Any:
        return getattr(self._users, name)

    async def get(self, *args: Any) -> Any:
        found = await self._users.get(*args)
        await asyncio.sleep(READ_LATENCY)
        return found

    async def list(self, *args: Any) -> Any:
        found = await self._users.list(*args)
        await asyncio.sleep(READ_LATENCY)
        return found


def slow_reads(factory: UnitOfWorkFactory) -> Callable[[], AbstractAsyncContextManager[UnitOfWork]]:
    @asynccontextmanager
    async def opened() -> AsyncIterator[UnitOfWork]:
        async with factory() as uow:
            uow.users = SlowUserReads(uow.users)
            yield uow

    return opened


@pytest.mark.parametrize("change", ["demote", "disable"])
async def test_two_admins_removing_each_other_at_once_leave_one_admin(backend: Backend, change: str) -> None:
    clock, ids = SystemClock(), UuidV7Generator()
    admin = AdminService(backend.uow, clock, ids, AuditTrail(clock, ids))
    racing = AdminService(slow_reads(backend.uow), clock, ids, AuditTrail(clock, ids))  # type: ignore[arg-type]
    how: dict[str, Any] = {"role": Role.MEMBER} if change == "demote" else {"status": UserStatus.DISABLED}
    for round_ in range(ROUNDS):
        tenant = await admin.create_tenant(f"race-{round_}", "Race")
        ann = await admin.create_user(tenant.id, f"ann{round_}@example.com", role=Role.ADMIN)
        bob = await admin.create_user(tenant.id, f"bob{round_}@example.com", role=Role.ADMIN)

        outcomes = await asyncio.gather(
            racing.update_user(tenant.id, ann.id, actor="bob", **how),
            racing.update_user(tenant.id, bob.id, actor="ann", **how),
            return_exceptions=True,
        )

        refused = [o for o in outcomes if isinstance(o, LastAdmin)]
        assert len(refused) == 1, outcomes
        admins = [u for u in await admin.users(tenant.id) if u.role is Role.ADMIN and u.is_active]
        assert len(admins) == 1, (round_, admins)
