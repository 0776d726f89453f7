"""The inbox of messenger updates: each is stored under its provider's id before it is applied, claimed while it is
applied, and marked done only after, so a redelivered or replayed update is applied once, also after a restart, and
a crash mid-way (or a failure) leaves it to be replayed instead of lost."""

from __future__ import annotations

from datetime import timedelta

from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.messengers import MessengerUpdate

MAX_ATTEMPTS = 5
"""An update that failed this many times is given up on (kept, never applied), so one poison update cannot loop."""


class MessengerInbox:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, claim_for: timedelta) -> None:
        self._uow = uow
        self._clock = clock
        self._claim_for = claim_for

    async def accept(self, tenant_id: str, provider: str, external_id: str, payload: str) -> bool:
        """Store the update; False when it was already received (then it must not be applied again)."""
        async with self._uow() as uow:
            new = await uow.updates.accept(
                MessengerUpdate(tenant_id, provider, external_id, payload, self._clock.now())
            )
            await uow.commit()
        return new

    async def claim(self, tenant_id: str, provider: str, external_id: str) -> bool:
        """Hold the update while it is applied; False when it is done or another process holds it. A claim whose
        process died runs out after `claim_for`, and the update is replayed then."""
        now = self._clock.now()
        async with self._uow() as uow:
            held = await uow.updates.claim(tenant_id, provider, external_id, now, now + self._claim_for, MAX_ATTEMPTS)
            await uow.commit()
        return held

    async def release(self, tenant_id: str, provider: str, external_id: str) -> None:
        """Its handling failed: the next replay takes it at once."""
        async with self._uow() as uow:
            await uow.updates.release(tenant_id, provider, external_id)
            await uow.commit()

    async def processed(self, tenant_id: str, provider: str, external_id: str) -> bool:
        async with self._uow() as uow:
            done = await uow.updates.mark_processed(tenant_id, provider, external_id, self._clock.now())
            await uow.commit()
        return done

    async def pending(self, tenant_id: str, provider: str) -> list[MessengerUpdate]:
        """Updates received but never applied that nobody holds (a failure, or a claim run out), oldest first."""
        async with self._uow() as uow:
            return await uow.updates.pending(tenant_id, provider, self._clock.now(), MAX_ATTEMPTS)
