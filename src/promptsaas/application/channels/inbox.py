"""The inbox of messenger updates: each is stored under its provider's id before it is applied, then marked done,
so a redelivered or replayed update is applied once, also after a restart, and a crash leaves it pending."""

from __future__ import annotations

from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.messengers import MessengerUpdate


class MessengerInbox:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def accept(self, tenant_id: str, provider: str, external_id: str, payload: str) -> bool:
        """Store the update; False when it was already received (then it must not be applied again)."""
        async with self._uow() as uow:
            new = await uow.updates.accept(
                MessengerUpdate(tenant_id, provider, external_id, payload, self._clock.now())
            )
            await uow.commit()
        return new

    async def processed(self, tenant_id: str, provider: str, external_id: str) -> bool:
        async with self._uow() as uow:
            done = await uow.updates.mark_processed(tenant_id, provider, external_id, self._clock.now())
            await uow.commit()
        return done

    async def pending(self, tenant_id: str, provider: str) -> list[MessengerUpdate]:
        """Updates received but never applied (the process stopped in between), oldest first."""
        async with self._uow() as uow:
            return await uow.updates.pending(tenant_id, provider)
